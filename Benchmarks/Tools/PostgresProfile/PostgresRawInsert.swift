import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL floor for a full load: the rows a catalog needs (one entity row with its JSON,
/// its ~28 index rows), computed before measuring, inserted in one transaction with
/// `INSERT … SELECT FROM unnest(…)` of 1,000 entities a statement into tables shaped like the
/// store's (`Sources/StorePostgres/PostgresSchema.swift`: C collation, the same unique keys and
/// `(key, value)` index), in a schema of its own. No validation, hashing, relations, stitching,
/// change outbox or per-entity round trips.
enum PostgresRawInsert {
    static let entitiesPerStatement = 1_000

    static func createTables(_ client: PostgresClient, logger: Logger) async throws {
        for statement in [
            "DROP SCHEMA IF EXISTS baseline CASCADE",
            "CREATE SCHEMA baseline",
            """
            CREATE TABLE baseline.entities (
                id bigint PRIMARY KEY, uid text COLLATE "C" NOT NULL UNIQUE, ref text COLLATE "C" NOT NULL UNIQUE,
                json text NOT NULL)
            """,
            """
            CREATE TABLE baseline.search (
                entity_id bigint NOT NULL, key text NOT NULL, value text COLLATE "C", original_value text COLLATE "C",
                UNIQUE NULLS NOT DISTINCT (entity_id, key, value))
            """,
            "CREATE INDEX baseline_search_key_value ON baseline.search (key, value)",
        ] {
            _ = try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    /// Inserts `rows` in one transaction; returns the number of index rows written.
    @discardableResult
    static func insert(_ rows: [RawInsertBaseline.EntityRow], into client: PostgresClient, logger: Logger) async throws
        -> Int
    {
        try await client.withTransaction(logger: logger) { connection in
            var searchRows = 0
            var start = 0
            while start < rows.count {
                let batch = rows[start..<min(start + entitiesPerStatement, rows.count)]
                start += entitiesPerStatement
                let ids = batch.map(\.id)
                let uids = batch.map(\.uid)
                let refs = batch.map(\.ref)
                let json = batch.map { String(decoding: $0.json, as: UTF8.self) }
                _ = try await connection.query("""
                    INSERT INTO baseline.entities (id, uid, ref, json)
                    SELECT * FROM unnest(\(ids)::bigint[], \(uids)::text[], \(refs)::text[], \(json)::text[])
                    """, logger: logger)
                let search = batch.flatMap { row in row.search.map { (row.id, $0) } }
                searchRows += search.count
                let entityIDs = search.map(\.0)
                let keys = search.map(\.1.key)
                let values = search.map { $0.1.value ?? "" }
                let matchable = search.map { $0.1.value != nil }
                let originals = search.map { $0.1.originalValue ?? "" }
                let hasOriginal = search.map { $0.1.originalValue != nil }
                _ = try await connection.query("""
                    INSERT INTO baseline.search (entity_id, key, value, original_value)
                    SELECT e, k, CASE WHEN m THEN v END, CASE WHEN h THEN o END
                    FROM unnest(\(entityIDs)::bigint[], \(keys)::text[], \(values)::text[], \(matchable)::bool[],
                                \(originals)::text[], \(hasOriginal)::bool[]) AS t(e, k, v, m, o, h)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            return searchRows
        }
    }
}
