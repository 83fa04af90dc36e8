import Catalog
import Foundation
import GRDB

/// The work of one catalog write transaction: entity writes and removals with their relations,
/// index rows and refresh keys, then stitching of every entity whose served form changed, and the
/// change outbox. Synchronous: it runs on the database writer's thread.
struct CatalogWriteTransaction {
    let db: Database
    let now: String
    var result = MutationResult()
    /// Refs whose served form may have changed: stitched at ``finish(provider:)``.
    private var dirty = Set<String>()
    /// Refs added by this transaction (their change is `added`, not `updated`).
    private var added = Set<String>()

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
    }

    func existing(ref: String) throws -> ExistingRow? {
        let statement = try db.cachedStatement(
            sql: "SELECT id, uid, provider, location_key, input_hash FROM entities WHERE ref = ?")
        guard let row = try Row.fetchOne(statement, arguments: [ref]) else { return nil }
        return ExistingRow(id: row[0], uid: row[1], provider: row[2], locationKey: row[3], inputHash: row[4])
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
        var locationKey = entity.locationKey
        if existing.provider != provider {
            if let storedKey = existing.locationKey, storedKey != entity.locationKey {
                result.conflicts.append(LocationKeyConflict(
                    entityRef: entity.ref, owner: existing.provider, existingLocationKey: storedKey,
                    newLocationKey: entity.locationKey))
                return
            }
        } else if locationKey == nil, keepStoredKeyWhenNil {
            locationKey = existing.locationKey
        }
        try update(existing, with: entity, provider: provider, locationKey: locationKey)
    }

    private mutating func insert(_ entity: PreparedEntity, provider: String) throws {
        let uid = UUID().uuidString.lowercased()
        try FastStatement(db, sql: """
            INSERT INTO entities (uid, ref, provider, location_key, input_hash, processed, metadata_end, final, etag, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, x'', '', ?)
            """).run(.text(uid), .text(entity.ref), .text(provider), .optionalText(entity.locationKey),
                     .text(entity.inputHash), .blob(entity.processedJSON), .int(Int64(entity.metadataEnd)), .text(now))
        let id = db.lastInsertedRowID
        try insertSearchRows(entity.searchRows + [SearchRowBuilder.uidRow(uid)], entityID: id)
        try insertRelations(entity.relations, originID: id)
        try insertRefreshKeys(entity.refreshKeys, entityID: id)
        for relation in entity.relations { dirty.insert(relation.sourceRef) }
        dirty.insert(entity.ref)
        added.insert(entity.ref)
        result.added += 1
    }

    private mutating func update(_ existing: ExistingRow, with entity: PreparedEntity, provider: String,
                                 locationKey: String?) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE entities SET provider = ?, location_key = ?, input_hash = ?, processed = ?, metadata_end = ?,
                updated_at = ? WHERE id = ?
            """)
        try statement.execute(arguments: [
            provider, locationKey, entity.inputHash, Data(entity.processedJSON), entity.metadataEnd, now, existing.id,
        ])
        // Index rows: replace only what differs.
        var oldRows = Set<SearchRow>()
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key, value, original_value FROM search WHERE entity_id = ?"),
            arguments: [existing.id])
        {
            let value: DatabaseValue = row[1]
            oldRows.insert(SearchRow(key: row[0], value: String.fromDatabaseValue(value), originalValue: row[2]))
        }
        var newRows = Set(entity.searchRows)
        newRows.insert(SearchRowBuilder.uidRow(existing.uid))
        let deleteRow = try db.cachedStatement(sql: "DELETE FROM search WHERE entity_id = ? AND key = ? AND value = ?")
        for row in oldRows.subtracting(newRows) {
            try deleteRow.execute(arguments: [existing.id, row.key, Self.indexValue(row.value)])
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
        dirty.insert(entity.ref)
        result.updated += 1
    }

    /// Removes an entity with everything hanging off it and records the `removed` change.
    mutating func remove(id: Int64, ref: String, uid: String, provider: String?) throws {
        for relation in try relations(originID: id) where relation.sourceRef != ref {
            dirty.insert(relation.sourceRef)
        }
        try db.execute(sql: "DELETE FROM relations WHERE origin_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM search WHERE entity_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM refresh_keys WHERE entity_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM entities WHERE id = ?", arguments: [id])
        try recordChange(.removed, ref: ref, uid: uid, etag: nil, provider: provider)
        dirty.remove(ref)
        added.remove(ref)
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

    private func insertSearchRows(_ rows: [SearchRow], entityID: Int64) throws {
        let statement = try FastStatement(
            db, sql: "INSERT OR IGNORE INTO search (entity_id, key, value, original_value) VALUES (?, ?, ?, ?)")
        for row in rows {
            try statement.run(.int(entityID), .text(row.key), row.value.map { .text($0) } ?? .emptyBlob,
                              .optionalText(row.originalValue))
        }
    }

    private func insertRelations(_ relations: [StoredRelation], originID: Int64) throws {
        let statement = try FastStatement(
            db, sql: "INSERT OR IGNORE INTO relations (origin_id, source_ref, type, target_ref) VALUES (?, ?, ?, ?)")
        for relation in relations {
            try statement.run(.int(originID), .text(relation.sourceRef), .text(relation.type), .text(relation.targetRef))
        }
    }

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

    private func recordChange(_ type: CatalogChange.Kind, ref: String, uid: String, etag: String?,
                              provider: String?) throws {
        try FastStatement(db, sql: "INSERT INTO changes (type, ref, uid, etag, provider, at) VALUES (?, ?, ?, ?, ?, ?)")
            .run(.text(type.rawValue), .text(ref), .text(uid), .optionalText(etag), .optionalText(provider), .text(now))
    }

    /// Re-stitches every dirty entity (served JSON and etag) and records `added`/`updated`
    /// changes for those whose etag changed.
    mutating func finish() throws {
        let select = try db.cachedStatement(
            sql: "SELECT id, uid, provider, processed, metadata_end, etag FROM entities WHERE ref = ?")
        let selectRelations = try db.cachedStatement(
            sql: "SELECT DISTINCT type, target_ref FROM relations WHERE source_ref = ? ORDER BY type, target_ref")
        let updateFinal = try FastStatement(db, sql: "UPDATE entities SET final = ?, etag = ? WHERE id = ?")
        for ref in dirty.sorted() {
            guard let row = try Row.fetchOne(select, arguments: [ref]) else { continue }
            let id: Int64 = row[0]
            let uid: String = row[1]
            let provider: String = row[2]
            let processed: Data = row[3]
            let metadataEnd: Int = row[4]
            let oldEtag: String = row[5]
            var relations: [EntityRelation] = []
            for relationRow in try Row.fetchAll(selectRelations, arguments: [ref]) {
                relations.append(EntityRelation(type: relationRow[0], targetRef: relationRow[1]))
            }
            let stitched = Stitcher.stitch(
                processedJSON: [UInt8](processed), metadataEnd: metadataEnd, uid: uid, relations: relations)
            guard stitched.etag != oldEtag else { continue }
            try updateFinal.run(.blob(stitched.json), .text(stitched.etag), .int(id))
            try recordChange(added.contains(ref) ? .added : .updated, ref: ref, uid: uid, etag: stitched.etag,
                             provider: provider)
        }
        dirty.removeAll()
        added.removeAll()
        try pruneChanges()
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
