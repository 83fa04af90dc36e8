/// A source of entities (Backstage's `EntityProvider`).
///
/// The catalog calls ``connect(_:)`` once at startup; the provider keeps the connection and
/// applies mutations through it whenever its source changes (events, schedules).
public protocol EntityProvider: Sendable {
    /// Unique and stable over time: it names the entities this provider owns.
    var name: String { get }

    /// Called once when the catalog starts.
    func connect(_ connection: any EntityProviderConnection) async throws
}

/// What a provider uses to change the catalog.
public protocol EntityProviderConnection: Sendable {
    /// Applies a mutation atomically. Mutations of one provider apply one at a time, in order.
    /// Invalid entities are rejected alone (see ``MutationResult/rejected``); the rest apply.
    @discardableResult
    func applyMutation(_ mutation: EntityProviderMutation) async throws -> MutationResult

    /// Re-runs processing for the entities that registered any of these refresh keys.
    func refresh(keys: [String]) async throws

    /// The catalog's entities matching `filter`, as served (any provider's), for a provider that
    /// must know what it wrote before (which entities a changed source held).
    func entities(matching filter: EntityFilter) async throws -> [Entity]
}

/// An entity as a provider hands it over, with the key of the location it came from.
public struct DeferredEntity: Sendable {
    public var entity: Entity
    /// Who owns the entity's ref: an entity held by another provider under a different non-nil
    /// key is not taken over (the conflict is recorded).
    public var locationKey: String?

    public init(entity: Entity, locationKey: String? = nil) {
        self.entity = entity
        self.locationKey = locationKey
    }
}
