/// The PostgreSQL schema's versioned migrations, in order. Every store shares one database;
/// table names carry the plugin (`events_…`, `scheduler_…`). A shipped migration is never
/// edited: add one.
enum PostgresSchema {
    static let migrations: [PostgresMigration] = [eventsV1, schedulerV1, catalogV1, catalogLocationsV2]

    /// Locations registered through `POST /api/catalog/locations` (the SQLite catalog's
    /// `v2-locations`).
    static let catalogLocationsV2 = PostgresMigration(id: "v2-catalog-locations", statements: [
        """
        CREATE TABLE catalog_locations (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            id text PRIMARY KEY,
            type text NOT NULL,
            target text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (type, target)
        )
        """,
    ])

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

    static let catalogV1 = PostgresMigration(id: "v1-catalog", statements: [
        """
        -- The catalog's single writer: every mutation locks this row first and holds it until it
        -- commits, so mutations from all instances apply one at a time (as on SQLite) and change
        -- sequence numbers become visible in commit order.
        CREATE TABLE catalog_writer (
            id smallint PRIMARY KEY CHECK (id = 1)
        )
        """,
        "INSERT INTO catalog_writer (id) VALUES (1)",
        """
        -- One row per entity; see the SQLite schema for processed, final and metadata_end. Text
        -- that is sorted or compared uses the C collation, so order is byte order as on SQLite.
        CREATE TABLE catalog_entities (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            uid text COLLATE "C" NOT NULL UNIQUE,
            ref text COLLATE "C" NOT NULL UNIQUE,
            provider text NOT NULL,
            location_key text,
            input_hash text NOT NULL,
            processed bytea NOT NULL,
            metadata_end integer NOT NULL,
            final bytea NOT NULL,
            etag text NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX catalog_entities_provider ON catalog_entities (provider)",
        """
        CREATE TABLE catalog_relations (
            origin_id bigint NOT NULL,
            source_ref text COLLATE "C" NOT NULL,
            type text NOT NULL,
            target_ref text COLLATE "C" NOT NULL,
            PRIMARY KEY (origin_id, source_ref, type, target_ref)
        )
        """,
        "CREATE INDEX catalog_relations_source ON catalog_relations (source_ref, type, target_ref)",
        "CREATE INDEX catalog_relations_target ON catalog_relations (target_ref, lower(type))",
        """
        -- The filter index: one row per leaf; value is NULL when the field exists but cannot be
        -- matched by value (null, or over 200 characters).
        CREATE TABLE catalog_search (
            entity_id bigint NOT NULL,
            key text NOT NULL,
            value text COLLATE "C",
            original_value text COLLATE "C",
            UNIQUE NULLS NOT DISTINCT (entity_id, key, value)
        )
        """,
        "CREATE INDEX catalog_search_key_value ON catalog_search (key, value)",
        """
        CREATE TABLE catalog_refresh_keys (
            key text NOT NULL,
            entity_id bigint NOT NULL,
            PRIMARY KEY (key, entity_id)
        )
        """,
        "CREATE INDEX catalog_refresh_keys_entity ON catalog_refresh_keys (entity_id)",
        """
        -- The change outbox, written in each mutation's transaction (under the writer lock).
        CREATE TABLE catalog_changes (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            type text NOT NULL,
            ref text NOT NULL,
            uid text NOT NULL,
            etag text,
            provider text,
            at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE catalog_providers (
            name text COLLATE "C" PRIMARY KEY,
            last_full_sync_at timestamptz,
            last_mutation_at timestamptz,
            last_error text
        )
        """,
        """
        CREATE TABLE catalog_provider_rejections (
            provider text COLLATE "C" NOT NULL,
            ref text COLLATE "C" NOT NULL,
            errors text NOT NULL,
            at timestamptz NOT NULL,
            PRIMARY KEY (provider, ref)
        )
        """,
        """
        CREATE TABLE catalog_provider_conflicts (
            provider text COLLATE "C" NOT NULL,
            ref text COLLATE "C" NOT NULL,
            owner text NOT NULL,
            existing_key text,
            new_key text,
            at timestamptz NOT NULL,
            PRIMARY KEY (provider, ref)
        )
        """,
    ])
}
