/// The PostgreSQL schema's versioned migrations, in order. Every store shares one database;
/// table names carry the plugin (`events_…`, `scheduler_…`). A shipped migration is never
/// edited: add one.
enum PostgresSchema {
    static let migrations: [PostgresMigration] = [eventsV1, schedulerV1]

    static let eventsV1 = PostgresMigration(id: "v1-events", statements: [
        """
        -- The log's head: the last position handed out. Appenders lock this row before taking
        -- positions and hold the lock until they commit, so positions commit in order and a
        -- reader never passes a position that commits later (SPEC 3.4). It never moves back.
        CREATE TABLE events_head (
            id smallint PRIMARY KEY CHECK (id = 1),
            position bigint NOT NULL
        )
        """,
        "INSERT INTO events_head (id, position) VALUES (1, 0)",
        """
        CREATE TABLE events (
            position bigint PRIMARY KEY,
            id text NOT NULL UNIQUE,
            topic text NOT NULL,
            payload bytea NOT NULL,
            metadata text NOT NULL,
            idempotency_key text,
            received_at timestamptz NOT NULL,
            size bigint NOT NULL
        )
        """,
        "CREATE INDEX events_topic_position ON events (topic, position)",
        """
        CREATE UNIQUE INDEX events_idempotency ON events (topic, idempotency_key)
            WHERE idempotency_key IS NOT NULL
        """,
        """
        -- One row per subscriber id. The delivery lease lets one instance at a time deliver the
        -- subscriber's events; an expired lease is taken over.
        CREATE TABLE events_subscribers (
            id text PRIMARY KEY,
            topics text[] NOT NULL,
            cursor bigint NOT NULL,
            paused boolean NOT NULL DEFAULT false,
            last_error text,
            last_seen_at timestamptz NOT NULL,
            lease_owner text,
            lease_expires_at timestamptz
        )
        """,
        """
        CREATE TABLE events_dead_letters (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            subscriber text NOT NULL,
            event_position bigint NOT NULL,
            attempts integer NOT NULL,
            last_error text NOT NULL,
            failed_at timestamptz NOT NULL,
            replay_requested boolean NOT NULL DEFAULT false
        )
        """,
        "CREATE INDEX events_dead_letters_subscriber ON events_dead_letters (subscriber, id)",
        "CREATE INDEX events_dead_letters_event ON events_dead_letters (event_position)",
    ])

    static let schedulerV1 = PostgresMigration(id: "v1-scheduler-tasks", statements: [
        """
        -- One row per task id. Times are integer milliseconds since 1970 (UTC), as on SQLite, so
        -- the lease conditions compare numbers exactly.
        CREATE TABLE scheduler_tasks (
            id text PRIMARY KEY,
            settings text NOT NULL,
            next_run_at bigint,
            last_run_started_at bigint,
            last_run_ended_at bigint,
            last_run_error text,
            consecutive_failures integer NOT NULL DEFAULT 0,
            lease_owner text,
            lease_expires_at bigint
        )
        """,
    ])
}
