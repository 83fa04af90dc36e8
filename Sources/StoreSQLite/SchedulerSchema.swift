import GRDB

/// The scheduler database's versioned migrations (`scheduler.sqlite`, its own file like each
/// plugin's). A shipped migration is never edited: add one.
enum SchedulerSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-scheduler-tasks") { db in
            try db.execute(sql: """
                -- One row per task id. Times are integer milliseconds since 1970 (UTC), so that the
                -- lease conditions compare numbers exactly.
                CREATE TABLE scheduler_tasks (
                    id TEXT PRIMARY KEY,
                    settings TEXT NOT NULL,
                    next_run_at INTEGER,
                    last_run_started_at INTEGER,
                    last_run_ended_at INTEGER,
                    last_run_error TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    lease_owner TEXT,
                    lease_expires_at INTEGER
                );
                """)
        }
        return migrator
    }
}
