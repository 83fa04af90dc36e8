import Catalog
import CatalogModel
import Foundation
import Logging
import PostgresNIO

/// The catalog on PostgreSQL, shared by every instance on the database.
///
/// Every mutation is one transaction that first locks the `catalog_writer` row, so mutations
/// from all instances apply one at a time, as on SQLite's single writer; processing runs inside
/// it, so a committed mutation is fully visible (served JSON, relations on both ends, filter
/// index) to the next read on any instance. Change sequence numbers are taken under that lock,
/// so they become visible in commit order and every instance's change feed reads the same
/// outbox without skipping a change.
public final class PostgresCatalogStore: CatalogStore {
    /// The LISTEN/NOTIFY channel a mutation that recorded changes notifies on commit.
    public static let changeChannel = "callboard_catalog_changed"

    /// How many change rows the outbox keeps.
    static let changesKept = 100_000

    let database: PostgresBackend
    var logger: Logger { database.logger }

    public init(database: PostgresBackend) {
        self.database = database
    }

    /// Runs one operation; driver errors become ``PostgresStoreError``s (see `storeOperation`).
    func run<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        try await storeOperation("catalog.store_failed", what, body)
    }

    /// Runs `body` as one catalog write: a transaction holding the writer lock, which notifies
    /// ``changeChannel`` when it recorded changes.
    func write<T: Sendable>(_ what: String, _ body: (inout PostgresCatalogWrite) async throws -> T) async throws -> T {
        try await run(what) {
            try await database.transaction { connection in
                var write = try await PostgresCatalogWrite.begin(connection, logger)
                let result = try await body(&write)
                if write.recordedChanges {
                    try await connection.query("SELECT pg_notify(\(Self.changeChannel), '')", logger: logger)
                }
                return result
            }
        }
    }

    /// Calls `onChange` after every mutation that recorded changes, committed on any instance,
    /// and once each time it starts listening. Runs until cancelled; a lost notification delays
    /// the change feeds until the next one, never loses a change (they read the outbox).
    public func listenForChanges(_ onChange: @escaping @Sendable () -> Void) async throws {
        try await database.listen(on: Self.changeChannel, onChange)
    }

    public func applyFull(provider: String, batches: AsyncThrowingStream<[HashedEntity], any Error>,
                          owned known: OwnedHashes, prepare: @escaping PrepareEntity) async throws -> MutationResult {
        try await write("apply a full mutation") { tx in
            var owned: [String: PostgresCatalogWrite.ExistingRow] = [:]
            for row in try await tx.rows("""
                SELECT \(unescaped: PostgresCatalogWrite.existingColumns), ref FROM catalog_entities
                WHERE provider = \(provider)
                """)
            {
                let (id, uid, owner, locationKey, inputHash, etag, ref) = try row.decode(
                    (Int64, String, String, String?, String, String, String).self)
                owned[ref] = PostgresCatalogWrite.ExistingRow(
                    id: id, uid: uid, provider: owner, locationKey: locationKey, inputHash: inputHash, etag: etag)
            }
            known.publish(owned.mapValues(\.inputHash))
            var seen = Set<String>()
            var applied: [String] = []
            for try await batch in batches {
                for entity in batch {
                    seen.insert(entity.ref)
                    var existing = owned[entity.ref]
                    if existing == nil { existing = try await tx.existing(ref: entity.ref) }
                    if let existing, existing.provider == provider, existing.inputHash == entity.inputHash {
                        tx.result.unchanged += 1
                        continue
                    }
                    switch entity.prepared ?? prepare(entity, provider) {
                    case .success(let prepared):
                        try await tx.write(prepared, provider: provider, existing: existing, keepStoredKeyWhenNil: false)
                        applied.append(entity.ref)
                    case .failure(let rejection):
                        tx.result.rejected.append(rejection)
                    }
                }
            }
            for (ref, row) in owned where !seen.contains(ref) {
                try await tx.remove(id: row.id, ref: ref, uid: row.uid, provider: provider)
            }
            try await tx.finish()
            try await tx.recordProviderOutcome(provider: provider, full: true, appliedRefs: applied)
            return tx.result
        }
    }

    public func applyDelta(provider: String, added: [PreparedEntity], rejected: [EntityRejection],
                           removed: [String]) async throws -> MutationResult {
        try await write("apply a delta mutation") { tx in
            tx.result.rejected = rejected
            let addedRefs = Set(added.map(\.ref))
            for ref in removed where !addedRefs.contains(ref) {
                // A provider removes only what it owns; anything else is a no-op.
                guard let row = try await tx.existing(ref: ref), row.provider == provider else { continue }
                try await tx.remove(id: row.id, ref: ref, uid: row.uid, provider: provider)
            }
            for entity in added {
                let existing = try await tx.existing(ref: entity.ref)
                if let existing, existing.provider == provider, existing.inputHash == entity.inputHash {
                    tx.result.unchanged += 1
                    continue
                }
                try await tx.write(entity, provider: provider, existing: existing, keepStoredKeyWhenNil: true)
            }
            try await tx.finish()
            try await tx.recordProviderOutcome(provider: provider, full: false, appliedRefs: added.map(\.ref) + removed)
            return tx.result
        }
    }

    public func refresh(keys: [String], prepare: @escaping PrepareEntity) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await write("refresh entities") { tx in
            let refs = try await tx.rows("""
                SELECT DISTINCT e.ref FROM catalog_refresh_keys k JOIN catalog_entities e ON e.id = k.entity_id
                WHERE k.key = ANY(\(keys))
                """).map { try $0.decode(String.self) }
            for ref in refs { try await Self.reprocess(ref: ref, tx: &tx, prepare: prepare) }
            try await tx.finish()
            return refs.count
        }
    }

    public func refresh(entityRef: String, prepare: @escaping PrepareEntity) async throws -> Bool {
        try await write("refresh an entity") { tx in
            let found = try await Self.reprocess(ref: entityRef, tx: &tx, prepare: prepare)
            try await tx.finish()
            return found
        }
    }

    /// Runs processing again on a stored entity; a failure leaves the stored entity as it was.
    @discardableResult
    private static func reprocess(ref: String, tx: inout PostgresCatalogWrite, prepare: PrepareEntity) async throws
        -> Bool
    {
        guard let row = try await tx.rows("""
            SELECT \(unescaped: PostgresCatalogWrite.existingColumns), processed FROM catalog_entities WHERE ref = \(ref)
            """).first
        else { return false }
        let (id, uid, provider, locationKey, inputHash, etag, processed) = try row.decode(
            (Int64, String, String, String?, String, String, Data).self)
        let existing = PostgresCatalogWrite.ExistingRow(
            id: id, uid: uid, provider: provider, locationKey: locationKey, inputHash: inputHash, etag: etag)
        let entity = try Entity(json: JSONParser.parse([UInt8](processed)))
        let hashed = HashedEntity(
            deferred: DeferredEntity(entity: entity, locationKey: existing.locationKey), ref: ref,
            inputHash: existing.inputHash)
        if case .success(let prepared) = prepare(hashed, existing.provider) {
            try await tx.write(prepared, provider: existing.provider, existing: existing, keepStoredKeyWhenNil: true)
        }
        return true
    }

    public func removeEntities(ofProvidersNotIn providers: Set<String>) async throws -> [String: Int] {
        try await write("remove entities of unconfigured providers") { tx in
            let known = try await tx.rows("""
                SELECT DISTINCT provider FROM catalog_entities UNION SELECT name FROM catalog_providers
                """).map { try $0.decode(String.self) }
            var removed: [String: Int] = [:]
            for provider in known where !providers.contains(provider) {
                let rows = try await tx.rows("SELECT id, ref, uid FROM catalog_entities WHERE provider = \(provider)")
                for row in rows {
                    let (id, ref, uid) = try row.decode((Int64, String, String).self)
                    try await tx.remove(id: id, ref: ref, uid: uid, provider: provider)
                }
                _ = try await tx.rows("DELETE FROM catalog_providers WHERE name = \(provider)")
                _ = try await tx.rows("DELETE FROM catalog_provider_rejections WHERE provider = \(provider)")
                _ = try await tx.rows("DELETE FROM catalog_provider_conflicts WHERE provider = \(provider)")
                removed[provider] = rows.count
            }
            try await tx.finish()
            return removed
        }
    }

    public func deleteEntity(uid: String) async throws -> Bool {
        try await write("delete an entity") { tx in
            guard let row = try await tx.rows("SELECT id, ref, provider FROM catalog_entities WHERE uid = \(uid)").first
            else { return false }
            let (id, ref, provider) = try row.decode((Int64, String, String).self)
            try await tx.remove(id: id, ref: ref, uid: uid, provider: provider)
            try await tx.finish()
            return true
        }
    }
}
