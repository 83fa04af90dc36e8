/// An entity as a provider sent it, with its ref and input hash computed ahead of the write.
public struct HashedEntity: Sendable {
    public var deferred: DeferredEntity
    /// Lower-case `kind:namespace/name`.
    public var ref: String
    public var inputHash: String
    /// Prepared ahead of the write (off the writer's thread) when the entity looked changed; the
    /// store uses it instead of calling its `prepare` closure.
    public var prepared: Result<PreparedEntity, EntityRejection>?

    public init(deferred: DeferredEntity, ref: String, inputHash: String,
                prepared: Result<PreparedEntity, EntityRejection>? = nil) {
        self.deferred = deferred
        self.ref = ref
        self.inputHash = inputHash
        self.prepared = prepared
    }
}

/// Processes one entity for a provider inside the store's write (see ``EntityPreparer``).
public typealias PrepareEntity = @Sendable (_ entity: HashedEntity, _ provider: String)
    -> Result<PreparedEntity, EntityRejection>

/// Where the catalog keeps entities, relations, the filter index and the change outbox.
///
/// Each write method is one transaction. Implementations: `StoreSQLite` (and, later, PostgreSQL).
public protocol CatalogStore: Sendable {
    /// Replaces `provider`'s set with the streamed entities in one transaction. Unchanged
    /// entities (same ref, input hash and location key) are not prepared nor written.
    /// `owned` receives the input hashes of what `provider` owns as soon as the transaction has
    /// read them: the engine prepares changed entities with them while the writer stores
    /// earlier batches.
    func applyFull(provider: String, batches: AsyncThrowingStream<[HashedEntity], any Error>,
                   owned: OwnedHashes, prepare: @escaping PrepareEntity) async throws -> MutationResult

    /// Removes `removed` (only refs `provider` owns), then writes `added`, in one transaction.
    func applyDelta(provider: String, added: [PreparedEntity], rejected: [EntityRejection],
                    removed: [String]) async throws -> MutationResult

    /// Re-prepares and rewrites the entities that registered any of `keys`; returns how many.
    func refresh(keys: [String], prepare: @escaping PrepareEntity) async throws -> Int

    /// Re-prepares and rewrites one entity; false when there is no such entity.
    func refresh(entityRef: String, prepare: @escaping PrepareEntity) async throws -> Bool

    /// Removes the entities of providers not in `providers`; returns the count per removed provider.
    func removeEntities(ofProvidersNotIn providers: Set<String>) async throws -> [String: Int]

    /// Deletes one entity; false when there is none with that uid.
    func deleteEntity(uid: String) async throws -> Bool

    /// A page of entities matching a filter.
    func entities(_ request: EntitiesRequest) async throws -> EntitiesPage

    /// A keyset page of entities; `totalItems` only when `countTotal`.
    func queryEntities(_ request: QueryEntitiesRequest, countTotal: Bool) async throws
        -> (rows: [KeysetRow], totalItems: Int?)

    /// The entities with these refs, in order, nil where missing or filtered out.
    func entities(refs: [String], filter: EntityFilter) async throws -> [[UInt8]?]

    /// The entity with this uid.
    func entity(uid: String) async throws -> [UInt8]?

    /// The entity with this ref (lower-case).
    func entity(ref: String) async throws -> [UInt8]?

    /// Value counts of each facet field among entities matching `filter`.
    func facets(_ fields: [String], filter: EntityFilter) async throws -> [String: [FacetCount]]

    /// Every provider that owns entities or has applied a mutation.
    func providerStatuses() async throws -> [ProviderStatus]

    /// Changes committed after `sequence`, oldest first.
    func changes(after sequence: Int64, limit: Int) async throws -> [CatalogChange]

    /// The oldest and newest sequence numbers still kept in the change outbox.
    func changeRange() async throws -> ClosedRange<Int64>?
}

/// A provider as operators see it.
public struct ProviderStatus: Sendable, Codable, Equatable {
    public var name: String
    public var entityCount: Int
    public var lastFullSyncAt: String?
    public var lastMutationAt: String?
    public var lastError: String?
    public var rejected: [EntityRejection]
    public var conflicts: [LocationKeyConflict]

    public init(name: String, entityCount: Int, lastFullSyncAt: String?, lastMutationAt: String?,
                lastError: String?, rejected: [EntityRejection], conflicts: [LocationKeyConflict]) {
        self.name = name
        self.entityCount = entityCount
        self.lastFullSyncAt = lastFullSyncAt
        self.lastMutationAt = lastMutationAt
        self.lastError = lastError
        self.rejected = rejected
        self.conflicts = conflicts
    }
}

/// One committed change to the catalog (the outbox row).
public struct CatalogChange: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case added, updated, removed
    }

    /// Monotonic sequence number.
    public var sequence: Int64
    public var type: Kind
    public var entityRef: String
    public var uid: String
    public var etag: String?
    public var provider: String?

    public init(sequence: Int64, type: Kind, entityRef: String, uid: String, etag: String?, provider: String?) {
        self.sequence = sequence
        self.type = type
        self.entityRef = entityRef
        self.uid = uid
        self.etag = etag
        self.provider = provider
    }
}
