import Catalog
import Foundation
import GRDB

/// The work of one catalog write transaction: entity writes and removals with their relations,
/// index rows and refresh keys, stitching, and the change outbox. Synchronous: it runs on the
/// database writer's thread.
///
/// A written entity is stitched (served JSON and etag) as it is written, with the relations known
/// at that moment. An entity whose relations change later in the transaction, because another
/// entity names it, is marked dirty and stitched again by ``finish()``.
struct CatalogWriteTransaction {
    let db: Database
    let now: String
    var result = MutationResult()
    /// Refs whose relations changed after they were last stitched (or were never stitched here).
    private var dirty = Set<String>()
    /// Refs stitched by this transaction: the change to record unless ``finish()`` stitches again.
    private var written: [String: PendingChange] = [:]
    /// In bulk mode (a load into an empty catalog), every relation written so far by source ref:
    /// then the relation indexes are dropped and this map answers ``servedRelations(of:adding:)``.
    /// Kept as arrays (duplicates removed when served): appending costs no hashing of relations.
    private var bulkRelations: [String: [EntityRelation]]?
    /// The statements run for every entity or row, prepared on first use (see ``statement(_:)``).
    private var hotStatements = [FastStatement?](repeating: nil, count: HotStatement.allCases.count)
    /// The ids of the filter keys this transaction has used (`search_keys`).
    private var searchKeyIDs: [String: Int64] = [:]
    /// The keys of the last entity's index rows with their ids, in its order: entities of one
    /// shape list the same keys in the same order, and comparing a key with the one at its
    /// position costs less than hashing it (2.8 million rows at 100,000 entities).
    private var lastEntityKeys: [(name: String, id: Int64)] = []

    struct PendingChange {
        var type: CatalogChange.Kind
        /// The entity's row id.
        var id: Int64
        var uid: String
        var etag: String
        var provider: String
    }

    /// The statements of ``hotStatements``.
    private enum HotStatement: Int, CaseIterable {
        case insertEntity, insertSearchRow, insertRelation, insertChange

        var sql: String {
            switch self {
            case .insertEntity:
                """
                INSERT INTO entities (uid, ref, provider, location_key, input_hash, metadata_end, spliced_end, relations_start,
                    final, etag, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            case .insertSearchRow: "INSERT OR IGNORE INTO search (entity_id, key, value, original_value) VALUES (?, ?, ?, ?)"
            case .insertRelation: "INSERT OR IGNORE INTO relations (origin_id, source_ref, type, target_ref) VALUES (?, ?, ?, ?)"
            case .insertChange: "INSERT INTO changes (type, ref, uid, etag, provider, at) VALUES (?, ?, ?, ?, ?, ?)"
            }
        }
    }

    /// A hot statement, from this transaction's own slots: GRDB's statement cache finds a
    /// statement by hashing its SQL text (up to 200 characters) on every call, millions of times
    /// in a large load.
    private mutating func statement(_ kind: HotStatement) throws -> FastStatement {
        if let statement = hotStatements[kind.rawValue] { return statement }
        let statement = try FastStatement(db, sql: kind.sql)
        hotStatements[kind.rawValue] = statement
        return statement
    }

    init(db: Database, now: String) {
        self.db = db
        self.now = now
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

    func existing(ref: String) throws -> ExistingRow? {
        // A bulk load started on an empty catalog: the only rows are the ones written since.
        if bulkRelations != nil, written[ref] == nil { return nil }
        let statement = try db.cachedStatement(
            sql: "SELECT id, uid, provider, location_key, input_hash, etag FROM entities WHERE ref = ?")
        guard let row = try Row.fetchOne(statement, arguments: [ref]) else { return nil }
        return ExistingRow(id: row[0], uid: row[1], provider: row[2], locationKey: row[3], inputHash: row[4],
                           etag: row[5])
    }

    /// The relations served on `ref`: every stored relation whose source it is, sorted, without
    /// duplicates. Sorted first and de-duplicated by neighbours: no hashing of two strings per
    /// relation (this runs for every entity written).
    private func servedRelations(of ref: String, adding own: [StoredRelation] = []) throws -> [EntityRelation] {
        var relations: [EntityRelation]
        if let bulkRelations {
            relations = bulkRelations[ref] ?? []
        } else {
            relations = []
            let statement = try db.cachedStatement(sql: "SELECT type, target_ref FROM relations WHERE source_ref = ?")
            for row in try Row.fetchAll(statement, arguments: [ref]) {
                relations.append(EntityRelation(type: row[0], targetRef: row[1]))
            }
        }
        for relation in own where relation.sourceRef == ref {
            relations.append(EntityRelation(type: relation.type, targetRef: relation.targetRef))
        }
        guard relations.count > 1 else { return relations }
        relations.sort()
        var unique: [EntityRelation] = []
        unique.reserveCapacity(relations.count)
        for relation in relations where unique.last != relation {
            unique.append(relation)
        }
        return unique
    }

    /// Writes `entity` for `provider`, taking the ref over from another provider unless that one
    /// holds it under a different non-nil location key (then the conflict is recorded).
    /// - Parameter keepStoredKeyWhenNil: a delta's nil key keeps the stored key.
    mutating func write(_ entity: PreparedEntity, provider: String, existing: ExistingRow?,
                        keepStoredKeyWhenNil: Bool) throws {
        guard let existing else {
            try insert(entity, provider: provider)
            return
        }
        switch EntityWriteDecision(entity, provider: provider, storedProvider: existing.provider,
                                   storedLocationKey: existing.locationKey, keepStoredKeyWhenNil: keepStoredKeyWhenNil) {
        case .conflict(let conflict):
            result.conflicts.append(conflict)
        case .write(let locationKey):
            try update(existing, with: entity, provider: provider, locationKey: locationKey)
        }
    }

    private mutating func insert(_ entity: PreparedEntity, provider: String) throws {
        let uid = TimeOrderedUUID.make()
        let stitched = Stitcher.stitch(
            processedJSON: entity.processedJSON, metadataEnd: entity.metadataEnd, uid: uid,
            relations: try servedRelations(of: entity.ref, adding: entity.relations))
        try statement(.insertEntity).run(.text(uid), .text(entity.ref), .text(provider), .optionalText(entity.locationKey),
                     .text(entity.inputHash), .int(Int64(stitched.layout.metadataEnd)),
                     .int(Int64(stitched.layout.splicedEnd)), .int(Int64(stitched.layout.relationsStart)),
                     .blob(stitched.json), .text(stitched.etag), .text(now))
        let id = db.lastInsertedRowID
        try insertSearchRows(entity.searchRows, plus: SearchRowBuilder.uidRow(uid), entityID: id)
        try insertRelations(entity.relations, originID: id)
        try insertRefreshKeys(entity.refreshKeys, entityID: id)
        for relation in entity.relations where relation.sourceRef != entity.ref { dirty.insert(relation.sourceRef) }
        dirty.remove(entity.ref)
        written[entity.ref] = PendingChange(type: .added, id: id, uid: uid, etag: stitched.etag, provider: provider)
        result.added += 1
    }

    private mutating func update(_ existing: ExistingRow, with entity: PreparedEntity, provider: String,
                                 locationKey: String?) throws {
        try endBulkLoad()
        // Index rows: replace only what differs.
        var oldRows = Set<SearchRow>()
        for row in try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT k.name, k.id, s.value, s.original_value FROM search s JOIN search_keys k ON k.id = s.key
                WHERE s.entity_id = ?
                """),
            arguments: [existing.id])
        {
            let key: String = row[0]
            searchKeyIDs[key] = row[1]
            let stored: DatabaseValue = row[2]
            let value = String.fromDatabaseValue(stored)
            let original: String? = row[3]
            oldRows.insert(SearchRow(key: key, value: value, originalValue: original ?? value))
        }
        var newRows = Set(entity.searchRows)
        newRows.insert(SearchRowBuilder.uidRow(existing.uid))
        let deleteRow = try db.cachedStatement(sql: "DELETE FROM search WHERE entity_id = ? AND key = ? AND value = ?")
        for row in oldRows.subtracting(newRows) {
            try deleteRow.execute(arguments: [existing.id, try searchKeyID(row.key), Self.indexValue(row.value)])
        }
        try insertSearchRows(Array(newRows.subtracting(oldRows)), entityID: existing.id)
        // Relations: replace only what differs; the sources of changed ones need re-stitching.
        let oldRelations = try relations(originID: existing.id)
        let newRelations = Set(entity.relations)
        let deleteRelation = try db.cachedStatement(
            sql: "DELETE FROM relations WHERE origin_id = ? AND source_ref = ? AND type = ? AND target_ref = ?")
        for relation in oldRelations.subtracting(newRelations) {
            try deleteRelation.execute(arguments: [existing.id, relation.sourceRef, relation.type, relation.targetRef])
            dirty.insert(relation.sourceRef)
        }
        let addedRelations = Array(newRelations.subtracting(oldRelations))
        try insertRelations(addedRelations, originID: existing.id)
        for relation in addedRelations { dirty.insert(relation.sourceRef) }
        try db.execute(sql: "DELETE FROM refresh_keys WHERE entity_id = ?", arguments: [existing.id])
        try insertRefreshKeys(entity.refreshKeys, entityID: existing.id)
        let stitched = Stitcher.stitch(
            processedJSON: entity.processedJSON, metadataEnd: entity.metadataEnd, uid: existing.uid,
            relations: try servedRelations(of: entity.ref))
        try FastStatement(db, sql: """
            UPDATE entities SET provider = ?, location_key = ?, input_hash = ?, metadata_end = ?, spliced_end = ?,
                relations_start = ?, final = ?, etag = ?, updated_at = ? WHERE id = ?
            """).run(.text(provider), .optionalText(locationKey), .text(entity.inputHash),
                     .int(Int64(stitched.layout.metadataEnd)), .int(Int64(stitched.layout.splicedEnd)),
                     .int(Int64(stitched.layout.relationsStart)), .blob(stitched.json), .text(stitched.etag), .text(now),
                     .int(existing.id))
        dirty.remove(entity.ref)
        if let earlier = written[entity.ref] {
            written[entity.ref] = PendingChange(type: earlier.type, id: existing.id, uid: existing.uid, etag: stitched.etag,
                                                provider: provider)
        } else if stitched.etag != existing.etag {
            written[entity.ref] = PendingChange(type: .updated, id: existing.id, uid: existing.uid, etag: stitched.etag,
                                                provider: provider)
        }
        result.updated += 1
    }

    /// Removes an entity with everything hanging off it and records the `removed` change.
    mutating func remove(id: Int64, ref: String, uid: String, provider: String?) throws {
        try endBulkLoad()
        for relation in try relations(originID: id) where relation.sourceRef != ref {
            dirty.insert(relation.sourceRef)
        }
        try db.execute(sql: "DELETE FROM relations WHERE origin_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM search WHERE entity_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM refresh_keys WHERE entity_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM entities WHERE id = ?", arguments: [id])
        try recordChange(.removed, ref: ref, uid: uid, etag: nil, provider: provider)
        dirty.remove(ref)
        written.removeValue(forKey: ref)
        result.removed += 1
    }

    private func relations(originID: Int64) throws -> Set<StoredRelation> {
        var relations = Set<StoredRelation>()
        let statement = try db.cachedStatement(
            sql: "SELECT source_ref, type, target_ref FROM relations WHERE origin_id = ?")
        for row in try Row.fetchAll(statement, arguments: [originID]) {
            relations.insert(StoredRelation(sourceRef: row[0], type: row[1], targetRef: row[2]))
        }
        return relations
    }

    /// Writes index rows: the key by id, the original value only where it differs from the
    /// lower-cased one (see the `v5-search-key-ids` migration).
    /// - Parameter extra: one more row (the uid's), passed apart so that the rows are not copied.
    private mutating func insertSearchRows(_ rows: [SearchRow], plus extra: SearchRow? = nil, entityID: Int64) throws {
        let statement = try statement(.insertSearchRow)
        func insert(_ row: SearchRow, keyID: Int64) throws {
            let original = row.originalValue == row.value ? nil : row.originalValue
            try statement.run4(.int(entityID), .int(keyID), row.value.map { .text($0) } ?? .emptyBlob,
                               .optionalText(original))
        }
        var keys: [(name: String, id: Int64)] = []
        keys.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let keyID: Int64
            if index < lastEntityKeys.count, lastEntityKeys[index].name == row.key {
                keyID = lastEntityKeys[index].id
            } else {
                keyID = try searchKeyID(row.key)
            }
            keys.append((row.key, keyID))
            try insert(row, keyID: keyID)
        }
        lastEntityKeys = keys
        if let extra { try insert(extra, keyID: try searchKeyID(extra.key)) }
    }

    /// The id of filter key `key`, added to `search_keys` the first time it is seen.
    private mutating func searchKeyID(_ key: String) throws -> Int64 {
        if let id = searchKeyIDs[key] { return id }
        let id: Int64
        if let stored = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM search_keys WHERE name = ?"), arguments: [key]) {
            id = stored
        } else {
            try db.cachedStatement(sql: "INSERT INTO search_keys (name) VALUES (?)").execute(arguments: [key])
            id = db.lastInsertedRowID
        }
        searchKeyIDs[key] = id
        return id
    }

    private mutating func insertRelations(_ relations: [StoredRelation], originID: Int64) throws {
        let statement = try statement(.insertRelation)
        for relation in relations {
            try statement.run4(.int(originID), .text(relation.sourceRef), .text(relation.type), .text(relation.targetRef))
            bulkRelations?[relation.sourceRef, default: []].append(
                EntityRelation(type: relation.type, targetRef: relation.targetRef))
        }
    }

    // MARK: - Bulk load

    /// Starts bulk mode when the catalog is empty: the secondary indexes that every row would
    /// otherwise update at a random place are dropped, to be built once, sorted, by
    /// ``endBulkLoad()``. Building an index from sorted keys is several times cheaper than
    /// millions of random B-tree inserts. DDL is transactional: a failed mutation rolls back to
    /// the indexes as they were, and readers keep seeing the committed snapshot meanwhile.
    mutating func beginBulkLoadIfEmpty() throws {
        guard bulkRelations == nil,
            try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM entities)") == true
        else { return }
        for index in CatalogSchema.deferrableIndexes {
            try db.execute(sql: "DROP INDEX \(index.name)")
        }
        bulkRelations = [:]
    }

    /// Ends bulk mode: builds the dropped indexes. Called before anything needs them (an update
    /// or removal in the same transaction, and ``finish()``).
    mutating func endBulkLoad() throws {
        guard bulkRelations != nil else { return }
        // SQLite's sorter keeps up to `cache_size` of keys in memory per sort before it writes a
        // sorted run to a temporary file: with the catalog's 256 MiB cache, building
        // `search_key_value` at 100,000 entities held 255 MB in the sorter on top of the page
        // cache's 256 MiB (heaptrack). A smaller cache for the builds bounds that; the runs go to
        // temporary files (`temp_store = FILE`).
        // The full cache comes back whether or not a build fails; a failure to restore it is
        // thrown (the transaction rolls back) rather than leaving the writer on the small cache.
        try db.execute(sql: "PRAGMA cache_size = \(Self.indexBuildCacheSize)")
        let built = Result {
            for index in CatalogSchema.deferrableIndexes {
                try db.execute(sql: index.sql)
            }
        }
        try db.execute(sql: "PRAGMA cache_size = \(SQLiteCatalogStore.cacheSize)")
        try built.get()
        bulkRelations = nil
    }

    /// The processed JSON of a stored entity, from a row with `final, metadata_end, spliced_end,
    /// relations_start` at `finalColumn` and the three columns after it.
    static func processedJSON(of row: Row, finalColumn: Int, ref: String) throws -> (json: [UInt8], metadataEnd: Int) {
        let served: Data = row[finalColumn]
        let layout = Stitcher.Layout(metadataEnd: row[finalColumn + 1], splicedEnd: row[finalColumn + 2],
                                     relationsStart: row[finalColumn + 3])
        guard let json = Stitcher.processedJSON(fromServed: [UInt8](served), layout: layout) else {
            throw CatalogStoreCorruption(ref: ref)
        }
        return (json, layout.metadataEnd)
    }

    /// `cache_size` while a bulk load builds its indexes (KiB when negative): 32 MiB.
    static let indexBuildCacheSize = -32_768

    private func insertRefreshKeys(_ keys: [String], entityID: Int64) throws {
        guard !keys.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO refresh_keys (key, entity_id) VALUES (?, ?)")
        for key in keys {
            try statement.execute(arguments: [key, entityID])
        }
    }

    /// The stored form of an index value: the lower-cased text, or an empty BLOB for "exists
    /// but not matchable", which no text comparison can equal.
    static func indexValue(_ value: String?) -> DatabaseValue {
        value.map { $0.databaseValue } ?? Data().databaseValue
    }

    private mutating func recordChange(_ type: CatalogChange.Kind, ref: String, uid: String, etag: String?,
                                       provider: String?) throws {
        try statement(.insertChange).run(.text(type.rawValue), .text(ref), .text(uid), .optionalText(etag), .optionalText(provider), .text(now))
    }

    /// Re-stitches every dirty entity, then records the `added` / `updated` changes of this
    /// transaction (one per entity, with its final etag).
    mutating func finish() throws {
        // Stitch the dirty entities from the bulk map while it is there, then build the indexes.
        // In row order, so the rows are read and rewritten page after page.
        let select = try db.cachedStatement(sql: """
            SELECT uid, provider, final, metadata_end, spliced_end, relations_start, etag FROM entities WHERE id = ?
            """)
        let updateFinal = try FastStatement(
            db, sql: "UPDATE entities SET final = ?, etag = ?, spliced_end = ?, relations_start = ? WHERE id = ?")
        for (id, ref) in try dirtyRows() {
            guard let row = try Row.fetchOne(select, arguments: [id]) else { continue }
            let uid: String = row[0]
            let provider: String = row[1]
            let processed = try Self.processedJSON(of: row, finalColumn: 2, ref: ref)
            let oldEtag: String = row[6]
            let stitched = Stitcher.stitch(
                processedJSON: processed.json, metadataEnd: processed.metadataEnd, uid: uid,
                relations: try servedRelations(of: ref))
            guard stitched.etag != oldEtag else { continue }
            try updateFinal.run(.blob(stitched.json), .text(stitched.etag), .int(Int64(stitched.layout.splicedEnd)),
                                .int(Int64(stitched.layout.relationsStart)), .int(id))
            let type = written[ref]?.type ?? .updated
            written[ref] = PendingChange(type: type, id: id, uid: uid, etag: stitched.etag, provider: provider)
        }
        try endBulkLoad()
        for (ref, change) in written.sorted(by: { $0.key < $1.key }) {
            try recordChange(change.type, ref: ref, uid: change.uid, etag: change.etag, provider: change.provider)
        }
        dirty.removeAll()
        written.removeAll()
        try pruneChanges()
    }

    /// The stored dirty entities as (row id, ref), in row id order. A dirty ref that names no
    /// entity (a relation's target that does not exist) is left out.
    private func dirtyRows() throws -> [(id: Int64, ref: String)] {
        let lookup = try db.cachedStatement(sql: "SELECT id FROM entities WHERE ref = ?")
        var rows: [(id: Int64, ref: String)] = []
        rows.reserveCapacity(dirty.count)
        for ref in dirty {
            if let change = written[ref] {
                rows.append((change.id, ref))
            } else if bulkRelations == nil, let id = try Int64.fetchOne(lookup, arguments: [ref]) {
                // (In a bulk load every stored row was written by this transaction.)
                rows.append((id, ref))
            }
        }
        return rows.sorted { $0.id < $1.id }
    }

    /// Keeps the outbox to its most recent ``SQLiteCatalogStore/changesKept`` rows.
    private func pruneChanges() throws {
        try db.execute(
            sql: "DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?",
            arguments: [SQLiteCatalogStore.changesKept])
    }

    /// Records the provider's bookkeeping: last mutation time, rejections and conflicts.
    func recordProviderOutcome(provider: String, full: Bool, appliedRefs: [String]) throws {
        try db.execute(sql: """
            INSERT INTO providers (name, last_mutation_at, last_full_sync_at) VALUES (?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET last_mutation_at = excluded.last_mutation_at,
                last_full_sync_at = coalesce(excluded.last_full_sync_at, providers.last_full_sync_at)
            """, arguments: [provider, now, full ? now : nil])
        if full {
            try db.execute(sql: "DELETE FROM provider_rejections WHERE provider = ?", arguments: [provider])
            try db.execute(sql: "DELETE FROM provider_conflicts WHERE provider = ?", arguments: [provider])
        } else {
            let clearRejection = try db.cachedStatement(
                sql: "DELETE FROM provider_rejections WHERE provider = ? AND ref = ?")
            let clearConflict = try db.cachedStatement(
                sql: "DELETE FROM provider_conflicts WHERE provider = ? AND ref = ?")
            for ref in appliedRefs {
                try clearRejection.execute(arguments: [provider, ref])
                try clearConflict.execute(arguments: [provider, ref])
            }
        }
        let encoder = JSONEncoder()
        let insertRejection = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO provider_rejections (provider, ref, errors, at) VALUES (?, ?, ?, ?)
            """)
        for rejection in result.rejected {
            let errors = String(decoding: try encoder.encode(rejection.errors), as: UTF8.self)
            try insertRejection.execute(arguments: [provider, rejection.entityRef ?? "", errors, now])
        }
        let insertConflict = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO provider_conflicts (provider, ref, owner, existing_key, new_key, at)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        for conflict in result.conflicts {
            try insertConflict.execute(arguments: [
                provider, conflict.entityRef, conflict.owner, conflict.existingLocationKey, conflict.newLocationKey, now,
            ])
        }
    }
}
