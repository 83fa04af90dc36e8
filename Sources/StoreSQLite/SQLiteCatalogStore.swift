import Catalog
import Foundation
import GRDB

/// The catalog on SQLite (GRDB): WAL mode, one writer, concurrent readers, versioned migrations.
///
/// Every mutation is one write transaction; processing runs inside it, so a committed mutation
/// is fully visible (served JSON, relations on both ends, filter index) to the next read.
public final class SQLiteCatalogStore: CatalogStore {
    /// How many change rows the outbox keeps.
    static let changesKept = 100_000

    let writer: any DatabaseWriter
    /// Checkpoints the WAL off the write path; kept as long as `writer`, whose hook points to it.
    let checkpointer: WALCheckpointer?

    /// Below this many matches a filter is read from its matches, above it by probing rows in an
    /// index's order (``FilterSQL/shape(for:threshold:in:)``). Tests set it to read every filter
    /// both ways.
    let selectiveMatches: Int

    /// Opens (creating if needed) the catalog database at `path`, or an in-memory one for `nil`.
    public convenience init(path: String?) throws {
        try self.init(path: path, selectiveMatches: FilterSQL.selectiveMatches)
    }

    /// The catalog connections' `cache_size` (KiB when negative): 256 MiB.
    static let cacheSize = -262_144

    init(path: String?, selectiveMatches: Int) throws {
        self.selectiveMatches = selectiveMatches
        checkpointer = path.map { WALCheckpointer(path: $0) }
        // 8 KB pages: entity rows are about 2.3 KB, so a 4 KB page holds one and wastes 40 %.
        if let path { try SQLiteDatabase.createIfMissing(path: path, pageSize: 8192) }
        // NORMAL is durable against a process crash in WAL mode; the catalog can be rebuilt by
        // providers, unlike the event log, which uses FULL. Two sorter threads build the indexes
        // of a bulk load in parallel; their sorted runs go to temporary files, not memory (see
        // `CatalogWriteTransaction.endBulkLoad()`).
        writer = try SQLiteDatabase.open(
            path: path,
            pragmas: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = \(Self.cacheSize); PRAGMA temp_store = FILE; PRAGMA threads = 2",
            migrator: CatalogSchema.migrator(), checkpointer: checkpointer)
    }


    /// Copies the whole WAL into the database file and truncates it, on the background
    /// checkpointer's connection, after any checkpoint it is running. The checkpointer does this
    /// lazily; tools and benchmarks that need a settled database call this. Returns whether the
    /// whole WAL was copied (in memory: nothing to do, true).
    @discardableResult
    public func checkpoint() async -> Bool {
        await checkpointer?.checkpointFully() ?? true
    }

    // MARK: - Writes

    public func applyFull(provider: String, batches: AsyncThrowingStream<[HashedEntity], any Error>,
                          owned known: OwnedHashes, prepare: @escaping PrepareEntity) async throws -> MutationResult {
        let source = BlockingBatchSource<[HashedEntity]>()
        source.start(batches)
        do {
            return try await writer.write { db in
                var tx = CatalogWriteTransaction(db: db, now: SQLiteDatabase.timestamp())
                var owned: [String: CatalogWriteTransaction.ExistingRow] = [:]
                let ownedStatement = try db.cachedStatement(
                    sql: "SELECT id, uid, ref, location_key, input_hash, etag FROM entities WHERE provider = ?")
                for row in try Row.fetchAll(ownedStatement, arguments: [provider]) {
                    owned[row[2]] = CatalogWriteTransaction.ExistingRow(
                        id: row[0], uid: row[1], provider: provider, locationKey: row[3], inputHash: row[4], etag: row[5])
                }
                known.publish(owned.mapValues(\.inputHash))
                var seen = Set<String>()
                var applied: [String] = []
                if owned.isEmpty { try tx.beginBulkLoadIfEmpty() }
                while let batch = try source.next() {
                    for entity in batch {
                        // (Only what the provider owned can be missing from the set.)
                        if !owned.isEmpty { seen.insert(entity.ref) }
                        let existing = try (owned.isEmpty ? nil : owned[entity.ref]) ?? tx.existing(ref: entity.ref)
                        if let existing, existing.provider == provider, existing.inputHash == entity.inputHash {
                            tx.result.unchanged += 1
                            continue
                        }
                        // Usually prepared ahead by the engine, in parallel with this writer.
                        switch entity.prepared ?? prepare(entity, provider) {
                        case .success(let prepared):
                            try tx.write(prepared, provider: provider, existing: existing, keepStoredKeyWhenNil: false)
                            applied.append(entity.ref)
                        case .failure(let rejection):
                            tx.result.rejected.append(rejection)
                        }
                    }
                    Self.releaseElsewhere(batch)
                }
                for (ref, row) in owned where !seen.contains(ref) {
                    try tx.remove(id: row.id, ref: ref, uid: row.uid, provider: provider)
                }
                try tx.finish()
                try tx.recordProviderOutcome(provider: provider, full: true, appliedRefs: applied)
                return tx.result
            }
        } catch {
            source.cancel()
            throw error
        }
    }

    /// Drops the writer's reference to a written batch and lets a background thread release it
    /// last: freeing 1,000 entities' JSON trees and prepared rows is work the writer does not need
    /// to wait for (about 2 % of its time in a 100,000-entity load).
    private static func releaseElsewhere(_ batch: [HashedEntity]) {
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(batch) {} }
    }

    public func applyDelta(provider: String, added: [PreparedEntity], rejected: [EntityRejection],
                           removed: [String]) async throws -> MutationResult {
        try await writer.write { db in
            var tx = CatalogWriteTransaction(db: db, now: SQLiteDatabase.timestamp())
            tx.result.rejected = rejected
            let addedRefs = Set(added.map(\.ref))
            for ref in removed where !addedRefs.contains(ref) {
                // A provider removes only what it owns; anything else is a no-op.
                guard let row = try tx.existing(ref: ref), row.provider == provider else { continue }
                try tx.remove(id: row.id, ref: ref, uid: row.uid, provider: provider)
            }
            for entity in added {
                let existing = try tx.existing(ref: entity.ref)
                if let existing, existing.provider == provider, existing.inputHash == entity.inputHash {
                    tx.result.unchanged += 1
                    continue
                }
                try tx.write(entity, provider: provider, existing: existing, keepStoredKeyWhenNil: true)
            }
            try tx.finish()
            try tx.recordProviderOutcome(provider: provider, full: false, appliedRefs: added.map(\.ref) + removed)
            return tx.result
        }
    }

    public func refresh(keys: [String], prepare: @escaping PrepareEntity) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await writer.write { db in
            let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
            let refs = try String.fetchAll(db, sql: """
                SELECT DISTINCT e.ref FROM refresh_keys k JOIN entities e ON e.id = k.entity_id
                WHERE k.key IN (\(placeholders))
                """, arguments: StatementArguments(keys))
            var tx = CatalogWriteTransaction(db: db, now: SQLiteDatabase.timestamp())
            for ref in refs { try Self.reprocess(ref: ref, tx: &tx, prepare: prepare) }
            try tx.finish()
            return refs.count
        }
    }

    public func refresh(entityRef: String, prepare: @escaping PrepareEntity) async throws -> Bool {
        try await writer.write { db in
            var tx = CatalogWriteTransaction(db: db, now: SQLiteDatabase.timestamp())
            let found = try Self.reprocess(ref: entityRef, tx: &tx, prepare: prepare)
            try tx.finish()
            return found
        }
    }

    /// Runs processing again on a stored entity; a failure leaves the stored entity as it was.
    @discardableResult
    private static func reprocess(ref: String, tx: inout CatalogWriteTransaction,
                                  prepare: PrepareEntity) throws -> Bool {
        guard let row = try Row.fetchOne(tx.db, sql: """
            SELECT id, uid, provider, location_key, input_hash, final, metadata_end, spliced_end, relations_start, etag
            FROM entities WHERE ref = ?
            """, arguments: [ref])
        else { return false }
        let processed = try CatalogWriteTransaction.processedJSON(of: row, finalColumn: 5, ref: ref)
        let entity = try Entity(json: JSONParser.parse(processed.json))
        let existing = CatalogWriteTransaction.ExistingRow(
            id: row[0], uid: row[1], provider: row[2], locationKey: row[3], inputHash: row[4], etag: row[9])
        let hashed = HashedEntity(
            deferred: DeferredEntity(entity: entity, locationKey: existing.locationKey), ref: ref,
            inputHash: existing.inputHash)
        if case .success(let prepared) = prepare(hashed, existing.provider) {
            try tx.write(prepared, provider: existing.provider, existing: existing, keepStoredKeyWhenNil: true)
        }
        return true
    }

    public func removeEntities(ofProvidersNotIn providers: Set<String>) async throws -> [String: Int] {
        try await writer.write { db in
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT provider FROM entities UNION SELECT name FROM providers")
            var removed: [String: Int] = [:]
            var tx = CatalogWriteTransaction(db: db, now: SQLiteDatabase.timestamp())
            for provider in known where !providers.contains(provider) {
                let rows = try Row.fetchAll(db, sql: "SELECT id, ref, uid FROM entities WHERE provider = ?",
                                            arguments: [provider])
                for row in rows {
                    try tx.remove(id: row[0], ref: row[1], uid: row[2], provider: provider)
                }
                for table in ["providers WHERE name", "provider_rejections WHERE provider", "provider_conflicts WHERE provider"] {
                    try db.execute(sql: "DELETE FROM \(table) = ?", arguments: [provider])
                }
                removed[provider] = rows.count
            }
            try tx.finish()
            return removed
        }
    }

    public func deleteEntity(uid: String) async throws -> Bool {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, ref, provider FROM entities WHERE uid = ?",
                                             arguments: [uid])
            else { return false }
            var tx = CatalogWriteTransaction(db: db, now: SQLiteDatabase.timestamp())
            try tx.remove(id: row[0], ref: row[1], uid: uid, provider: row[2])
            try tx.finish()
            return true
        }
    }
}
