/// A step that runs on every entity when a mutation is applied (Backstage's CatalogProcessor,
/// made synchronous: it runs inside the mutation's transaction, so it must not do I/O — read
/// what you need in your provider instead).
///
/// Throw to reject the entity; the error's description is kept as the rejection reason.
public protocol EntityProcessor: Sendable {
    /// A name for logs and error messages.
    var name: String { get }

    /// Runs before validation; may rewrite the entity.
    func preProcessEntity(_ entity: Entity, context: inout ProcessingContext) throws -> Entity

    /// Runs after validation and the built-in relations; may rewrite the entity and emit
    /// relations and refresh keys through `context`.
    func postProcessEntity(_ entity: Entity, context: inout ProcessingContext) throws -> Entity
}

extension EntityProcessor {
    public func preProcessEntity(_ entity: Entity, context: inout ProcessingContext) throws -> Entity { entity }
    public func postProcessEntity(_ entity: Entity, context: inout ProcessingContext) throws -> Entity { entity }
}

/// What processors see of, and add to, the entity being processed.
public struct ProcessingContext: Sendable {
    /// The provider applying the mutation.
    public let providerName: String
    /// The location key the entity came with.
    public let locationKey: String?
    /// Relations emitted so far (built-in ones included); add your own.
    public var relations: [DerivedRelation] = []
    /// Refresh keys: `refresh(keys:)` with any of them re-processes this entity.
    public var refreshKeys: [String] = []

    public init(providerName: String, locationKey: String?) {
        self.providerName = providerName
        self.locationKey = locationKey
    }

    /// Emits a relation (the inverse is not added for you).
    public mutating func emit(relation: DerivedRelation) {
        relations.append(relation)
    }

    /// Registers a refresh key for this entity.
    public mutating func emit(refreshKey: String) {
        refreshKeys.append(refreshKey)
    }
}
