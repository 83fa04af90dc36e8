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
        migrator.registerMigration("v2-topic-counters") { db in
            // Per-topic event counts and bytes, kept by triggers on every insert and delete, so
            // that the topics view, `/metrics` and retention read a few rows instead of scanning
            // the whole log (seconds at a million events). Events are never updated.
            try db.execute(sql: """
                CREATE TABLE topic_counters (
                    topic TEXT PRIMARY KEY,
                    events INTEGER NOT NULL,
                    bytes INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO topic_counters (topic, events, bytes)
                    SELECT topic, count(*), sum(size) FROM events GROUP BY topic;
                CREATE TRIGGER events_counted_in AFTER INSERT ON events BEGIN
                    INSERT INTO topic_counters (topic, events, bytes) VALUES (NEW.topic, 1, NEW.size)
                    ON CONFLICT (topic) DO UPDATE SET events = events + 1, bytes = bytes + NEW.size;
                END;
                CREATE TRIGGER events_counted_out AFTER DELETE ON events BEGIN
                    UPDATE topic_counters SET events = events - 1, bytes = bytes - OLD.size
                    WHERE topic = OLD.topic;
                END;
                """)
        }
        return migrator
    }
}
