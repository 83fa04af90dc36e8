/// A location registered through `POST /api/catalog/locations` (Backstage's `locations` table).
public struct StoredLocation: Sendable, Hashable, Codable {
    /// A uuid, stable for the location's lifetime.
    public var id: String
    /// `url` or `file`.
    public var type: String
    /// An http(s) URL, or an absolute path for `file`.
    public var target: String

    public init(id: String, type: String, target: String) {
        self.id = id
        self.type = type
        self.target = target
    }
}

/// Where registered locations are kept, beside the catalog they feed.
public protocol LocationStore: Sendable {
    /// Every registered location, oldest first.
    func locations() async throws -> [StoredLocation]

    /// Registers a location; returns nil when one with the same type and target exists.
    func addLocation(type: String, target: String) async throws -> StoredLocation?

    /// Removes a registered location; false when there is none with that id.
    func removeLocation(id: String) async throws -> Bool
}
