import GRDB

/// The event log database's versioned migrations (`events.sqlite`, its own file so that ingress
/// never waits behind a catalog write). A shipped migration is never edited: add one.
enum EventLogSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            try db.execute(sql: """
                -- Positions come from one writer in commit order, so a reader never passes a
                -- position that commits later.
                CREATE TABLE events (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    topic TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    metadata TEXT NOT NULL,
                    idempotency_key TEXT,
                    received_at TEXT NOT NULL,
                    size INTEGER NOT NULL
                );
                CREATE INDEX events_topic_position ON events(topic, position);
                CREATE UNIQUE INDEX events_idempotency ON events(topic, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;

                CREATE TABLE subscribers (
                    id TEXT PRIMARY KEY,
                    topics TEXT NOT NULL,
                    cursor INTEGER NOT NULL,
                    paused INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    last_seen_at TEXT NOT NULL
                );

                CREATE TABLE dead_letters (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    subscriber TEXT NOT NULL,
                    event_position INTEGER NOT NULL,
                    attempts INTEGER NOT NULL,
                    last_error TEXT NOT NULL,
                    failed_at TEXT NOT NULL,
                    replay_requested INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX dead_letters_subscriber ON dead_letters(subscriber, id);
                CREATE INDEX dead_letters_event ON dead_letters(event_position);
                """)
        }
        return migrator
    }
}
