import Catalog
import Foundation
import Logging
import PostgresNIO

/// The work of one catalog write transaction on PostgreSQL: entity writes and removals with
/// their relations, index rows and refresh keys, stitching, and the change outbox. It runs
/// inside a transaction that holds the catalog writer lock (see `catalog_writer`), so it sees
/// no concurrent catalog writes, as on SQLite.
///
/// A written entity is stitched (served JSON and etag) as it is written, with the relations
/// known at that moment. An entity whose relations change later in the transaction, because
/// another entity names it, is marked dirty and stitched again by ``finish()``.
struct PostgresCatalogWrite {
    let connection: PostgresConnection
    let logger: Logger
    var result = MutationResult()
    /// Whether this transaction wrote to the change outbox.
    private(set) var recordedChanges = false
    /// Refs whose relations changed after they were last stitched (or were never stitched here).
    private var dirty = Set<String>()
    /// Refs stitched by this transaction: the change to record unless ``finish()`` stitches again.
    private var written: [String: PendingChange] = [:]

    struct PendingChange {
        var type: CatalogChange.Kind
        var uid: String
        var etag: String
        var provider: String
    }

    /// Takes the catalog writer lock (held until the transaction ends).
    static func begin(_ connection: PostgresConnection, _ logger: Logger) async throws -> PostgresCatalogWrite {
        try await connection.query("SELECT id FROM catalog_writer WHERE id = 1 FOR UPDATE", logger: logger)
        return PostgresCatalogWrite(connection: connection, logger: logger)
    }

    /// A stored entity's row, as needed to decide what to do with an incoming one.
    struct ExistingRow {
        var id: Int64
        var uid: String
        var provider: String
        var locationKey: String?
        var inputHash: String
        /// The etag as served now.
        var etag: String
    }

    static let existingColumns = "id, uid, provider, location_key, input_hash, etag"

    static func existingRow(_ row: PostgresRow) throws -> ExistingRow {
        let (id, uid, provider, locationKey, inputHash, etag) = try row.decode(
            (Int64, String, String, String?, String, String).self)
        return ExistingRow(id: id, uid: uid, provider: provider, locationKey: locationKey, inputHash: inputHash,
                           etag: etag)
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.rows(query, logger: logger)
    }

    func existing(ref: String) async throws -> ExistingRow? {
        try await rows("SELECT \(unescaped: Self.existingColumns) FROM catalog_entities WHERE ref = \(ref)")
            .first.map(Self.existingRow)
    }

    /// The relations served on `ref`: every stored relation whose source it is, sorted.
    private func servedRelations(of ref: String, adding own: [StoredRelation] = []) async throws -> [EntityRelation] {
        var relations = Set<EntityRelation>()
        for row in try await rows("SELECT type, target_ref FROM catalog_relations WHERE source_ref = \(ref)") {
            let (type, target) = try row.decode((String, String).self)
            relations.insert(EntityRelation(type: type, targetRef: target))
        }
        for relation in own where relation.sourceRef == ref {
            relations.insert(EntityRelation(type: relation.type, targetRef: relation.targetRef))
        }
        return relations.sorted()
    }

    /// Writes `entity` for `provider`, taking the ref over from another provider unless that one
    /// holds it under a different non-nil location key (then the conflict is recorded).
    /// - Parameter keepStoredKeyWhenNil: a delta's nil key keeps the stored key.
    mutating func write(_ entity: PreparedEntity, provider: String, existing: ExistingRow?,
                        keepStoredKeyWhenNil: Bool) async throws {
        guard let existing else {
            try await insert(entity, provider: provider)
            return
        }
        switch EntityWriteDecision(entity, provider: provider, storedProvider: existing.provider,
                                   storedLocationKey: existing.locationKey, keepStoredKeyWhenNil: keepStoredKeyWhenNil) {
        case .conflict(let conflict):
            result.conflicts.append(conflict)
        case .write(let locationKey):
            try await update(existing, with: entity, provider: provider, locationKey: locationKey)
        }
    }

    private mutating func insert(_ entity: PreparedEntity, provider: String) async throws {
        let uid = UUID().uuidString.lowercased()
        let stitched = Stitcher.stitch(
            processedJSON: entity.processedJSON, metadataEnd: entity.metadataEnd, uid: uid,
            relations: try await servedRelations(of: entity.ref, adding: entity.relations))
        let metadataEnd = Int32(entity.metadataEnd)
        guard let row = try await rows("""
            INSERT INTO catalog_entities
                (uid, ref, provider, location_key, input_hash, processed, metadata_end, final, etag, updated_at)
            VALUES (\(uid), \(entity.ref), \(provider), \(entity.locationKey), \(entity.inputHash),
                    \(Data(entity.processedJSON)), \(metadataEnd), \(Data(stitched.json)), \(stitched.etag), now())
            RETURNING id
            """).first
        else { throw PostgresStoreError(code: "catalog.insert_failed", message: "the entity was not stored") }
        let id = try row.decode(Int64.self)
        try await insertSearchRows(entity.searchRows + [SearchRowBuilder.uidRow(uid)], entityID: id)
        try await insertRelations(entity.relations, originID: id)
        try await insertRefreshKeys(entity.refreshKeys, entityID: id)
        for relation in entity.relations where relation.sourceRef != entity.ref { dirty.insert(relation.sourceRef) }
        dirty.remove(entity.ref)
        written[entity.ref] = PendingChange(type: .added, uid: uid, etag: stitched.etag, provider: provider)
        result.added += 1
    }

    private mutating func update(_ existing: ExistingRow, with entity: PreparedEntity, provider: String,
                                 locationKey: String?) async throws {
        // Index rows: replace only what differs.
        var oldRows = Set<SearchRow>()
        for row in try await rows(
            "SELECT key, value, original_value FROM catalog_search WHERE entity_id = \(existing.id)")
        {
            let (key, value, original) = try row.decode((String, String?, String?).self)
            oldRows.insert(SearchRow(key: key, value: value, originalValue: original))
        }
        var newRows = Set(entity.searchRows)
        newRows.insert(SearchRowBuilder.uidRow(existing.uid))
        for row in oldRows.subtracting(newRows) {
            _ = try await rows("""
                DELETE FROM catalog_search
                WHERE entity_id = \(existing.id) AND key = \(row.key) AND value IS NOT DISTINCT FROM \(row.value)
                """)
        }
        try await insertSearchRows(Array(newRows.subtracting(oldRows)), entityID: existing.id)
        // Relations: replace only what differs; the sources of changed ones need re-stitching.
        let oldRelations = try await relations(originID: existing.id)
        let newRelations = Set(entity.relations)
        for relation in oldRelations.subtracting(newRelations) {
            _ = try await rows("""
                DELETE FROM catalog_relations WHERE origin_id = \(existing.id) AND source_ref = \(relation.sourceRef)
                  AND type = \(relation.type) AND target_ref = \(relation.targetRef)
                """)
            dirty.insert(relation.sourceRef)
        }
        let addedRelations = Array(newRelations.subtracting(oldRelations))
        try await insertRelations(addedRelations, originID: existing.id)
        for relation in addedRelations { dirty.insert(relation.sourceRef) }
        _ = try await rows("DELETE FROM catalog_refresh_keys WHERE entity_id = \(existing.id)")
        try await insertRefreshKeys(entity.refreshKeys, entityID: existing.id)
        let stitched = Stitcher.stitch(
            processedJSON: entity.processedJSON, metadataEnd: entity.metadataEnd, uid: existing.uid,
            relations: try await servedRelations(of: entity.ref))
        let metadataEnd = Int32(entity.metadataEnd)
        _ = try await rows("""
            UPDATE catalog_entities SET provider = \(provider), location_key = \(locationKey),
                input_hash = \(entity.inputHash), processed = \(Data(entity.processedJSON)),
                metadata_end = \(metadataEnd), final = \(Data(stitched.json)), etag = \(stitched.etag), updated_at = now()
            WHERE id = \(existing.id)
            """)
        dirty.remove(entity.ref)
        if let earlier = written[entity.ref] {
            written[entity.ref] = PendingChange(type: earlier.type, uid: existing.uid, etag: stitched.etag,
                                                provider: provider)
        } else if stitched.etag != existing.etag {
            written[entity.ref] = PendingChange(type: .updated, uid: existing.uid, etag: stitched.etag,
                                                provider: provider)
        }
        result.updated += 1
    }

    /// Removes an entity with everything hanging off it and records the `removed` change.
    mutating func remove(id: Int64, ref: String, uid: String, provider: String?) async throws {
        for relation in try await relations(originID: id) where relation.sourceRef != ref {
            dirty.insert(relation.sourceRef)
        }
        _ = try await rows("DELETE FROM catalog_relations WHERE origin_id = \(id)")
        _ = try await rows("DELETE FROM catalog_search WHERE entity_id = \(id)")
        _ = try await rows("DELETE FROM catalog_refresh_keys WHERE entity_id = \(id)")
        _ = try await rows("DELETE FROM catalog_entities WHERE id = \(id)")
        try await recordChange(.removed, ref: ref, uid: uid, etag: nil, provider: provider)
        dirty.remove(ref)
        written.removeValue(forKey: ref)
        result.removed += 1
    }

    private func relations(originID: Int64) async throws -> Set<StoredRelation> {
        var relations = Set<StoredRelation>()
        for row in try await rows(
            "SELECT source_ref, type, target_ref FROM catalog_relations WHERE origin_id = \(originID)")
        {
            let (source, type, target) = try row.decode((String, String, String).self)
            relations.insert(StoredRelation(sourceRef: source, type: type, targetRef: target))
        }
        return relations
    }

    /// Index rows in one statement; a value of nil (not matchable) is stored as NULL.
    private func insertSearchRows(_ searchRows: [SearchRow], entityID: Int64) async throws {
        guard !searchRows.isEmpty else { return }
        let keys = searchRows.map(\.key)
        let values = searchRows.map { $0.value ?? "" }
        let matchable = searchRows.map { $0.value != nil }
        let originals = searchRows.map { $0.originalValue ?? "" }
        let hasOriginal = searchRows.map { $0.originalValue != nil }
        _ = try await rows("""
            INSERT INTO catalog_search (entity_id, key, value, original_value)
            SELECT \(entityID), k, CASE WHEN m THEN v END, CASE WHEN h THEN o END
            FROM unnest(\(keys)::text[], \(values)::text[], \(matchable)::bool[], \(originals)::text[],
                        \(hasOriginal)::bool[]) AS t(k, v, m, o, h)
            ON CONFLICT DO NOTHING
            """)
    }

    private func insertRelations(_ relations: [StoredRelation], originID: Int64) async throws {
        guard !relations.isEmpty else { return }
        _ = try await rows("""
            INSERT INTO catalog_relations (origin_id, source_ref, type, target_ref)
            SELECT \(originID), s, t, r
            FROM unnest(\(relations.map(\.sourceRef))::text[], \(relations.map(\.type))::text[],
                        \(relations.map(\.targetRef))::text[]) AS u(s, t, r)
            ON CONFLICT DO NOTHING
            """)
    }

    private func insertRefreshKeys(_ keys: [String], entityID: Int64) async throws {
        guard !keys.isEmpty else { return }
        _ = try await rows("""
            INSERT INTO catalog_refresh_keys (key, entity_id) SELECT k, \(entityID) FROM unnest(\(keys)::text[]) AS u(k)
            ON CONFLICT DO NOTHING
            """)
    }

    private mutating func recordChange(_ type: CatalogChange.Kind, ref: String, uid: String, etag: String?,
                                       provider: String?) async throws {
        recordedChanges = true
        _ = try await rows("""
            INSERT INTO catalog_changes (type, ref, uid, etag, provider, at)
            VALUES (\(type.rawValue), \(ref), \(uid), \(etag), \(provider), now())
            """)
    }

    /// Re-stitches every dirty entity, then records the `added` / `updated` changes of this
    /// transaction (one per entity, with its final etag).
    mutating func finish() async throws {
        for ref in dirty.sorted() {
            guard let row = try await rows("""
                SELECT id, uid, provider, processed, metadata_end, etag FROM catalog_entities WHERE ref = \(ref)
                """).first
            else { continue }
            let (id, uid, provider, processed, metadataEnd, oldEtag) = try row.decode(
                (Int64, String, String, Data, Int32, String).self)
            let stitched = Stitcher.stitch(
                processedJSON: [UInt8](processed), metadataEnd: Int(metadataEnd), uid: uid,
                relations: try await servedRelations(of: ref))
            guard stitched.etag != oldEtag else { continue }
            _ = try await rows(
                "UPDATE catalog_entities SET final = \(Data(stitched.json)), etag = \(stitched.etag) WHERE id = \(id)")
            let type = written[ref]?.type ?? .updated
            written[ref] = PendingChange(type: type, uid: uid, etag: stitched.etag, provider: provider)
        }
        for (ref, change) in written.sorted(by: { $0.key < $1.key }) {
            try await recordChange(change.type, ref: ref, uid: change.uid, etag: change.etag, provider: change.provider)
        }
        dirty.removeAll()
        written.removeAll()
        let kept = Int64(PostgresCatalogStore.changesKept)
        _ = try await rows("DELETE FROM catalog_changes WHERE seq <= (SELECT max(seq) FROM catalog_changes) - \(kept)")
    }

    /// Records the provider's bookkeeping: last mutation time, rejections and conflicts.
    func recordProviderOutcome(provider: String, full: Bool, appliedRefs: [String]) async throws {
        _ = try await rows("""
            INSERT INTO catalog_providers (name, last_mutation_at, last_full_sync_at)
            VALUES (\(provider), now(), CASE WHEN \(full) THEN now() END)
            ON CONFLICT (name) DO UPDATE SET last_mutation_at = excluded.last_mutation_at,
                last_full_sync_at = coalesce(excluded.last_full_sync_at, catalog_providers.last_full_sync_at)
            """)
        if full {
            _ = try await rows("DELETE FROM catalog_provider_rejections WHERE provider = \(provider)")
            _ = try await rows("DELETE FROM catalog_provider_conflicts WHERE provider = \(provider)")
        } else if !appliedRefs.isEmpty {
            _ = try await rows(
                "DELETE FROM catalog_provider_rejections WHERE provider = \(provider) AND ref = ANY(\(appliedRefs))")
            _ = try await rows(
                "DELETE FROM catalog_provider_conflicts WHERE provider = \(provider) AND ref = ANY(\(appliedRefs))")
        }
        let encoder = JSONEncoder()
        for rejection in result.rejected {
            let errors = String(decoding: try encoder.encode(rejection.errors), as: UTF8.self)
            _ = try await rows("""
                INSERT INTO catalog_provider_rejections (provider, ref, errors, at)
                VALUES (\(provider), \(rejection.entityRef ?? ""), \(errors), now())
                ON CONFLICT (provider, ref) DO UPDATE SET errors = excluded.errors, at = excluded.at
                """)
        }
        for conflict in result.conflicts {
            _ = try await rows("""
                INSERT INTO catalog_provider_conflicts (provider, ref, owner, existing_key, new_key, at)
                VALUES (\(provider), \(conflict.entityRef), \(conflict.owner), \(conflict.existingLocationKey),
                        \(conflict.newLocationKey), now())
                ON CONFLICT (provider, ref) DO UPDATE SET owner = excluded.owner, existing_key = excluded.existing_key,
                    new_key = excluded.new_key, at = excluded.at
                """)
        }
    }
}
