import Catalog
import GRDB

/// Registered locations live in the catalog database (`locations`), as in Backstage.
extension SQLiteCatalogStore: LocationStore {
    public func locations() async throws -> [StoredLocation] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, type, target FROM locations ORDER BY created_at, id").map {
                StoredLocation(id: $0[0], type: $0[1], target: $0[2])
            }
        }
    }

    public func addLocation(type: String, target: String) async throws -> StoredLocation? {
        let location = StoredLocation(id: TimeOrderedUUID.make(), type: type, target: target)
        return try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO locations (id, type, target, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [location.id, type, target, SQLiteDatabase.timestamp()])
            return db.changesCount == 1 ? location : nil
        }
    }

    public func removeLocation(id: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM locations WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }
}
