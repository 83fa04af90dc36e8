import Catalog
import Foundation
import PostgresNIO

/// Registered locations live beside the catalog (`catalog_locations`), shared by every instance.
extension PostgresCatalogStore: LocationStore {
    public func locations() async throws -> [StoredLocation] {
        try await run("read the registered locations") {
            try await database.rows("SELECT id, type, target FROM catalog_locations ORDER BY seq").map { row in
                let (id, type, target) = try row.decode((String, String, String).self)
                return StoredLocation(id: id, type: type, target: target)
            }
        }
    }

    public func addLocation(type: String, target: String) async throws -> StoredLocation? {
        let id = UUID().uuidString.lowercased()
        return try await run("register a location") {
            let inserted = try await database.rows("""
                INSERT INTO catalog_locations (id, type, target) VALUES (\(id), \(type), \(target))
                ON CONFLICT (type, target) DO NOTHING RETURNING id
                """)
            return inserted.isEmpty ? nil : StoredLocation(id: id, type: type, target: target)
        }
    }

    public func removeLocation(id: String) async throws -> Bool {
        try await run("remove a location") {
            try await !database.rows("DELETE FROM catalog_locations WHERE id = \(id) RETURNING id").isEmpty
        }
    }
}
