import Catalog
import Foundation
import GRDB

/// The floor a full load is compared with: the rows a catalog needs for the same entities (one
/// `entities` row with the entity's JSON and its ~28 filter index rows), inserted through GRDB in
/// one transaction with multi-row `INSERT`s, into tables shaped like the store's
/// (`Sources/StoreSQLite/CatalogSchema.swift`: same keys, `WITHOUT ROWID`, same secondary indexes,
/// filter keys by id and original values only where they differ, as since `v5-search-key-ids`),
/// on the same connection settings as `SQLiteCatalogStore` (WAL, `synchronous = NORMAL`, 256 MiB cache).
///
/// No validation, hashing, relations, stitching or change outbox: the rows are computed once,
/// before anything is measured.
enum RawInsertBaseline {
    struct EntityRow: Sendable {
        var id: Int64
        var uid: String
        var ref: String
        var json: Data
        var search: [SearchRow]
        /// Each search row's key as an id, as the store keeps them since its `v5-search-key-ids`
        /// migration: numbered in order of first appearance (the ~30 names are not written).
        var keyIDs: [Int64]
    }

    /// The rows of the whole synthetic catalog, computed with the engine's own preparer.
    static let rows: [EntityRow] = rows(of: Shared.entities)

    static func rows(of entities: [DeferredEntity]) -> [EntityRow] {
        let preparer = EntityPreparer()
        var keyIDs: [String: Int64] = [:]
        return entities.enumerated().map { index, deferred in
            guard case .success(let prepared) = preparer.prepare(deferred, providerName: Shared.providerName) else {
                preconditionFailure("synthetic entity \(index) was rejected")
            }
            let uid = UUID().uuidString.lowercased()
            let search = prepared.searchRows + [SearchRowBuilder.uidRow(uid)]
            return EntityRow(
                id: Int64(index + 1), uid: uid, ref: prepared.ref, json: Data(prepared.processedJSON),
                search: search, keyIDs: search.map { row in
                    if let id = keyIDs[row.key] { return id }
                    let id = Int64(keyIDs.count + 1)
                    keyIDs[row.key] = id
                    return id
                })
        }
    }

    /// Table layouts, for profiling what the store's layout costs. The benchmark uses `.storeShaped`.
    enum Variant: String, CaseIterable, Sendable {
        /// As the store: `search` keyed by (entity_id, key, value) without rowid, plus (key, value).
        case storeShaped
        /// Without the (key, value) index.
        case noKeyValueIndex
        /// The (key, value) index created after the rows are in (not measured by `insert`).
        case keyValueIndexAfterLoad
    }

    /// Opens a database at `path` with the store's settings and the baseline tables.
    static func open(path: String, variant: Variant = .storeShaped) throws -> DatabasePool {
        var configuration = Configuration()
        // The pragmas of `SQLiteCatalogStore.init`: keep them in sync.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE entities (
                    id INTEGER PRIMARY KEY,
                    uid TEXT NOT NULL UNIQUE,
                    ref TEXT NOT NULL UNIQUE,
                    json BLOB NOT NULL
                );
                CREATE TABLE search (
                    entity_id INTEGER NOT NULL,
                    key INTEGER NOT NULL,
                    value NOT NULL,
                    original_value TEXT,
                    PRIMARY KEY (entity_id, key, value)
                ) WITHOUT ROWID;
                """)
            if variant == .storeShaped {
                try db.execute(sql: "CREATE INDEX search_key_value ON search(key, value, original_value)")
            }
        }
        return pool
    }

    static let entitiesPerStatement = 200
    static let searchRowsPerStatement = 200

    /// Inserts `rows` in one transaction; returns the number of search rows written.
    @discardableResult
    static func insert(_ rows: [EntityRow], into pool: DatabasePool) async throws -> Int {
        try await pool.write { db in
            var searchRowCount = 0
            var entityValues: [(any DatabaseValueConvertible)?] = []
            var searchValues: [(any DatabaseValueConvertible)?] = []
            entityValues.reserveCapacity(entitiesPerStatement * 4)
            searchValues.reserveCapacity(searchRowsPerStatement * 4)

            func flushEntities() throws {
                guard !entityValues.isEmpty else { return }
                let statement = try db.cachedStatement(sql: insertSQL(
                    "INSERT INTO entities (id, uid, ref, json) VALUES ", columns: 4, rows: entityValues.count / 4))
                try statement.execute(arguments: StatementArguments(entityValues))
                entityValues.removeAll(keepingCapacity: true)
            }
            func flushSearch() throws {
                guard !searchValues.isEmpty else { return }
                let statement = try db.cachedStatement(sql: insertSQL(
                    "INSERT INTO search (entity_id, key, value, original_value) VALUES ", columns: 4,
                    rows: searchValues.count / 4))
                try statement.execute(arguments: StatementArguments(searchValues))
                searchValues.removeAll(keepingCapacity: true)
            }

            for row in rows {
                entityValues.append(contentsOf: [row.id, row.uid, row.ref, row.json] as [(any DatabaseValueConvertible)?])
                if entityValues.count == entitiesPerStatement * 4 { try flushEntities() }
                for (search, keyID) in zip(row.search, row.keyIDs) {
                    let value: DatabaseValue = search.value.map(\.databaseValue) ?? Data().databaseValue
                    let original = search.originalValue == search.value ? nil : search.originalValue
                    searchValues.append(contentsOf: [row.id, keyID, value, original]
                        as [(any DatabaseValueConvertible)?])
                    if searchValues.count == searchRowsPerStatement * 4 { try flushSearch() }
                    searchRowCount += 1
                }
            }
            try flushEntities()
            try flushSearch()
            return searchRowCount
        }
    }

    private static func insertSQL(_ prefix: String, columns: Int, rows: Int) -> String {
        let group = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return prefix + Array(repeating: group, count: rows).joined(separator: ",")
    }
}
