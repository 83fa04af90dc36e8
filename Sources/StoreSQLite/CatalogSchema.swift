import GRDB

/// The catalog database's versioned migrations. A shipped migration is never edited: add one.
enum CatalogSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalog") { db in
            // One row per entity. `processed` is the entity after processing without uid, etag and
            // relations; `final` is the entity as served; `metadata_end` is the byte offset of the
            // closing brace of `metadata` inside `processed`, where stitching splices uid and etag.
            // (v4 drops `processed` for two offsets into `final`.)
            try db.execute(sql: """
                CREATE TABLE entities (
                    id INTEGER PRIMARY KEY,
                    uid TEXT NOT NULL UNIQUE,
                    ref TEXT NOT NULL UNIQUE,
                    provider TEXT NOT NULL,
                    location_key TEXT,
                    input_hash TEXT NOT NULL,
                    processed BLOB NOT NULL,
                    metadata_end INTEGER NOT NULL,
                    final BLOB NOT NULL,
                    etag TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX entities_provider ON entities(provider);

                -- Relations as emitted: origin is the entity whose spec named them (both directions).
                CREATE TABLE relations (
                    origin_id INTEGER NOT NULL,
                    source_ref TEXT NOT NULL,
                    type TEXT NOT NULL,
                    target_ref TEXT NOT NULL,
                    PRIMARY KEY (origin_id, source_ref, type, target_ref)
                ) WITHOUT ROWID;
                CREATE INDEX relations_source ON relations(source_ref, type, target_ref);
                CREATE INDEX relations_target ON relations(target_ref, type COLLATE NOCASE);

                -- The filter index: one row per leaf; value is an empty BLOB when the field cannot be
                -- matched by value (null or over 200 characters) but still exists.
                CREATE TABLE search (
                    entity_id INTEGER NOT NULL,
                    key TEXT NOT NULL,
                    value NOT NULL,
                    original_value TEXT,
                    PRIMARY KEY (entity_id, key, value)
                ) WITHOUT ROWID;
                CREATE INDEX search_key_value ON search(key, value);

                CREATE TABLE refresh_keys (
                    key TEXT NOT NULL,
                    entity_id INTEGER NOT NULL,
                    PRIMARY KEY (key, entity_id)
                ) WITHOUT ROWID;
                CREATE INDEX refresh_keys_entity ON refresh_keys(entity_id);

                -- The change outbox, written in each mutation's transaction.
                CREATE TABLE changes (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    type TEXT NOT NULL,
                    ref TEXT NOT NULL,
                    uid TEXT NOT NULL,
                    etag TEXT,
                    provider TEXT,
                    at TEXT NOT NULL
                );

                CREATE TABLE providers (
                    name TEXT PRIMARY KEY,
                    last_full_sync_at TEXT,
                    last_mutation_at TEXT,
                    last_error TEXT
                );
                CREATE TABLE provider_rejections (
                    provider TEXT NOT NULL,
                    ref TEXT NOT NULL,
                    errors TEXT NOT NULL,
                    at TEXT NOT NULL,
                    PRIMARY KEY (provider, ref)
                );
                CREATE TABLE provider_conflicts (
                    provider TEXT NOT NULL,
                    ref TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    existing_key TEXT,
                    new_key TEXT,
                    at TEXT NOT NULL,
                    PRIMARY KEY (provider, ref)
                );
                """)
        }
        registerLaterMigrations(&migrator)
        return migrator
    }

    /// The secondary indexes that a load into an empty catalog drops and builds again at the end
    /// (see `CatalogWriteTransaction.beginBulkLoadIfEmpty()`). Each statement must create exactly
    /// the index of the migrations above; a test compares the schema after a bulk load with a
    /// fresh one.
    static let deferrableIndexes: [(name: String, sql: String)] = [
        ("search_key_value", "CREATE INDEX search_key_value ON search(key, value, original_value)"),
        ("relations_source", "CREATE INDEX relations_source ON relations(source_ref, type, target_ref)"),
        ("relations_target", "CREATE INDEX relations_target ON relations(target_ref, type COLLATE NOCASE)"),
        ("refresh_keys_entity", "CREATE INDEX refresh_keys_entity ON refresh_keys(entity_id)"),
    ]
}

extension CatalogSchema {
    /// Registers the migrations added after the first release, in order.
    static func registerLaterMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-locations") { db in
            try db.execute(sql: """
                CREATE TABLE locations (
                    id TEXT PRIMARY KEY,
                    type TEXT NOT NULL,
                    target TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    UNIQUE (type, target)
                );
                """)
        }
        // Facets count `original_value` per key: with it in the index they are a range scan of
        // the index alone instead of one table lookup per entity (0.45 s of CPU for one facet at
        // 250,000 entities before, 20 ms after). The index keeps its name and its (key, value)
        // prefix, so filters and sorting use it as before. `deferrableIndexes` names this form.
        migrator.registerMigration("v3-search-covers-facets") { db in
            try db.execute(sql: """
                DROP INDEX search_key_value;
                CREATE INDEX search_key_value ON search(key, value, original_value);
                """)
        }
        // The processed JSON is the served JSON without the spliced uid and etag and without the
        // relations (see `Stitcher.Layout`): two offsets instead of a second copy of every entity
        // (about 1 KB each, 100 MB of the 915 MB a 100,000-entity catalog took), which also
        // halves what re-stitching an entity rewrites. Existing rows: the splice is
        // `,"etag":"<etag>","uid":"<uid>"` (19 bytes and the two ASCII values), the relations
        // follow the processed JSON's last byte before its closing brace.
        migrator.registerMigration("v4-served-json-only") { db in
            try db.execute(sql: """
                ALTER TABLE entities ADD COLUMN spliced_end INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE entities ADD COLUMN relations_start INTEGER NOT NULL DEFAULT 0;
                UPDATE entities SET spliced_end = metadata_end + 19 + length(etag) + length(uid),
                    relations_start = 19 + length(etag) + length(uid) + length(processed) - 1;
                ALTER TABLE entities DROP COLUMN processed;
                """)
        }
        // Filter keys by id, and no second copy of a value that needs no case folding: the key
        // text (`metadata.annotations.backstage.io/managed-by-location`, …) was two thirds of
        // the filter index's text, stored in the table and again in `search_key_value`, and 89 %
        // of original values equal their lower-cased value. At 100,000 entities the two copies
        // of the index take 186 MB instead of 379 MB, and their share of an initial load (rows
        // in, index built, committed) 3.3 s instead of 4.8 s. `original_value` is NULL when it
        // equals `value`; a row that cannot be matched by value keeps its empty BLOB `value`
        // (and a NULL original). Keys are never deleted: there are as many as distinct field
        // paths ever indexed.
        migrator.registerMigration("v5-search-key-ids") { db in
            try db.execute(sql: """
                CREATE TABLE search_keys (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE
                );
                INSERT INTO search_keys (name) SELECT DISTINCT key FROM search ORDER BY key;
                CREATE TABLE search_by_key_id (
                    entity_id INTEGER NOT NULL,
                    key INTEGER NOT NULL,
                    value NOT NULL,
                    original_value TEXT,
                    PRIMARY KEY (entity_id, key, value)
                ) WITHOUT ROWID;
                INSERT INTO search_by_key_id (entity_id, key, value, original_value)
                    SELECT s.entity_id, k.id, s.value, CASE WHEN s.original_value = s.value THEN NULL ELSE s.original_value END
                    FROM search s JOIN search_keys k ON k.name = s.key ORDER BY s.entity_id, k.id, s.value;
                DROP TABLE search;
                ALTER TABLE search_by_key_id RENAME TO search;
                CREATE INDEX search_key_value ON search(key, value, original_value);
                """)
        }
    }

    /// The id of a filter key in `search.key`, as an SQL expression of one `?` (the key's text).
    /// An unknown key's id is NULL, which equals no row. SQLite evaluates the subquery once per
    /// statement, so it stays an index lookup on `search_key_value` or the primary key.
    static let searchKeyID = "(SELECT id FROM search_keys WHERE name = ?)"
}
