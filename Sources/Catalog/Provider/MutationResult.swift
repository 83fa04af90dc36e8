/// What a mutation did.
public struct MutationResult: Sendable, Equatable {
    public var added = 0
    public var updated = 0
    public var removed = 0
    public var unchanged = 0
    /// Entities that failed validation or processing, with why; the rest of the mutation applied.
    public var rejected: [EntityRejection] = []
    /// Refs held by another provider under a different location key; they were not taken over.
    public var conflicts: [LocationKeyConflict] = []

    public init() {}
}

/// An entity a mutation could not apply, with its errors.
public struct EntityRejection: Error, Sendable, Equatable, Codable {
    /// The entity's ref, when it could be determined.
    public var entityRef: String?
    public var errors: [String]

    public init(entityRef: String?, errors: [String]) {
        self.entityRef = entityRef
        self.errors = errors
    }
}

/// A ref that a provider sent under a location key other than the one its owner holds.
public struct LocationKeyConflict: Sendable, Equatable, Codable {
    public var entityRef: String
    /// The provider that keeps the entity.
    public var owner: String
    public var existingLocationKey: String?
    public var newLocationKey: String?

    public init(entityRef: String, owner: String, existingLocationKey: String?, newLocationKey: String?) {
        self.entityRef = entityRef
        self.owner = owner
        self.existingLocationKey = existingLocationKey
        self.newLocationKey = newLocationKey
    }
}
