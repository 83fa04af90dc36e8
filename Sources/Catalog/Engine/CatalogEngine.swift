import Metrics
import Logging

/// The catalog's single write path: providers' mutations are prepared (validated, processed,
/// hashed) and handed to the store, one provider's mutations at a time and in order.
public final class CatalogEngine: Sendable {
    public let store: any CatalogStore
    public let preparer: EntityPreparer
    private let logger: Logger
    private let lanes = LaneRegistry()
    private let changeSignal = ChangeSignal()
    private let metricsFactory: any MetricsFactory

    /// - Parameter metricsFactory: receives mutation durations and entities written per provider
    ///   (swift-metrics' global factory by default).
    public init(store: any CatalogStore, processors: [any EntityProcessor] = [], logger: Logger,
                metricsFactory: any MetricsFactory = MetricsSystem.factory) {
        self.store = store
        self.metricsFactory = metricsFactory
        self.preparer = EntityPreparer(processors: processors)
        self.logger = logger
    }

    /// Removes entities of providers that are no longer configured, then connects each provider.
    public func start(providers: [any EntityProvider]) async throws {
        var names = Set<String>()
        for provider in providers {
            guard names.insert(provider.name).inserted else {
                throw CatalogEngineError.duplicateProvider(provider.name)
            }
        }
        let removed = try await store.removeEntities(ofProvidersNotIn: names)
        for (provider, count) in removed.sorted(by: { $0.key < $1.key }) {
            logger.info("Removed entities for orphaned provider", metadata: [
                "provider.name": "\(provider)", "entities.removed": "\(count)",
            ])
        }
        if !removed.isEmpty { changeSignal.notify() }
        for provider in providers {
            try await provider.connect(connection(for: provider.name))
        }
    }

    /// The connection a provider named `name` applies mutations through.
    public func connection(for name: String) -> any EntityProviderConnection {
        ProviderConnection(engine: self, providerName: name,
                           metrics: MutationMetrics(provider: name, factory: metricsFactory))
    }

    /// A stream that yields whenever changes were committed (coalesced); for change relays.
    public func changeNotifications() -> AsyncStream<Void> {
        changeSignal.subscribe()
    }

    /// Wakes the change streams after another instance committed changes to a shared store.
    public func changesCommittedElsewhere() {
        changeSignal.notify()
    }

    func apply(_ mutation: EntityProviderMutation, provider: String, metrics: MutationMetrics) async throws
        -> MutationResult
    {
        let lane = await lanes.lane(for: provider)
        let result = try await lane.run { [self] in
            let started = ContinuousClock.now
            let result: MutationResult
            switch mutation {
            case .full(let batches):
                result = try await applyFull(batches, provider: provider)
            case .delta(let added, let removed):
                result = try await applyDelta(added: added, removed: removed, provider: provider)
            }
            metrics.applied(mutation, result: result, took: ContinuousClock.now - started)
            return result
        }
        if result.added + result.updated + result.removed > 0 { changeSignal.notify() }
        logger.debug("Applied mutation", metadata: [
            "provider.name": "\(provider)", "entities.added": "\(result.added)",
            "entities.updated": "\(result.updated)", "entities.removed": "\(result.removed)",
            "entities.rejected": "\(result.rejected.count)",
        ])
        for rejection in result.rejected.prefix(10) {
            logger.warning("Rejected entity", metadata: [
                "provider.name": "\(provider)", "entity.ref": "\(rejection.entityRef ?? "?")",
                "errors": "\(rejection.errors.joined(separator: "; "))",
            ])
        }
        return result
    }

    private func applyFull(_ batches: EntityBatches, provider: String) async throws -> MutationResult {
        let preparer = self.preparer
        // What the provider owns, as the write transaction reads it: an entity whose hash differs
        // is one the write will process, so prepare it here, on this task, while the writer's
        // thread stores the previous batch. Until the hashes arrive, batches go unprepared (the
        // writer prepares what it needs). The store still decides entity by entity.
        let owned = OwnedHashes()
        let hashed = AsyncThrowingStream<[HashedEntity], any Error> { continuation in
            let task = Task {
                do {
                    for try await batch in batches {
                        let known = owned.current
                        continuation.yield(batch.map { deferred in
                            let ref = deferred.entity.ref.description
                            let inputHash = preparer.inputHash(of: deferred)
                            let prepared = known == nil || known?[ref] == inputHash
                                ? nil : preparer.prepare(deferred, providerName: provider, inputHash: inputHash)
                            return HashedEntity(deferred: deferred, ref: ref, inputHash: inputHash, prepared: prepared)
                        })
                        // An array's batches are all there at once, so this loop would never
                        // suspend: give the thread up after each batch, or the task that hands
                        // batches to the writer waits for the whole set whenever this task holds
                        // the only free thread of the cooperative pool (package-benchmark's runner
                        // blocks the other one of two: the writer then sat idle while everything
                        // was prepared, 13.3 s for the 100,000-entity load instead of 9.6–10.0 s).
                        await Task.yield()
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return try await store.applyFull(provider: provider, batches: hashed, owned: owned) { entity, owner in
            preparer.prepare(entity.deferred, providerName: owner, inputHash: entity.inputHash)
        }
    }

    private func applyDelta(added: [DeferredEntity], removed: [EntityRemoval], provider: String) async throws
        -> MutationResult
    {
        var prepared: [PreparedEntity] = []
        var rejected: [EntityRejection] = []
        prepared.reserveCapacity(added.count)
        for deferred in added {
            switch preparer.prepare(deferred, providerName: provider) {
            case .success(let entity): prepared.append(entity)
            case .failure(let rejection): rejected.append(rejection)
            }
        }
        var removedRefs: [String] = []
        for removal in removed {
            if let ref = try? EntityRef(parsing: removal.entityRef) {
                removedRefs.append(ref.description)
            }
        }
        return try await store.applyDelta(provider: provider, added: prepared, rejected: rejected, removed: removedRefs)
    }

    /// Re-processes the entities that registered any of `keys`.
    public func refresh(keys: [String]) async throws {
        let preparer = self.preparer
        let count = try await store.refresh(keys: keys) { entity, owner in
            preparer.prepare(entity.deferred, providerName: owner, inputHash: entity.inputHash)
        }
        if count > 0 { changeSignal.notify() }
    }

    /// Re-processes one entity (`POST /refresh`); false when it does not exist.
    public func refresh(entityRef: String) async throws -> Bool {
        let preparer = self.preparer
        let found = try await store.refresh(entityRef: entityRef) { entity, owner in
            preparer.prepare(entity.deferred, providerName: owner, inputHash: entity.inputHash)
        }
        if found { changeSignal.notify() }
        return found
    }

    /// Deletes an entity by uid (`DELETE /entities/by-uid`); its provider's next mutation brings it back.
    public func deleteEntity(uid: String) async throws -> Bool {
        let deleted = try await store.deleteEntity(uid: uid)
        if deleted { changeSignal.notify() }
        return deleted
    }
}

/// Errors of the catalog engine.
public enum CatalogEngineError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateProvider(String)

    public var description: String {
        switch self {
        case .duplicateProvider(let name): return "two entity providers are named '\(name)'; provider names must be unique"
        }
    }
}

/// The connection handed to one provider.
struct ProviderConnection: EntityProviderConnection {
    let engine: CatalogEngine
    let providerName: String
    let metrics: MutationMetrics

    func applyMutation(_ mutation: EntityProviderMutation) async throws -> MutationResult {
        try await engine.apply(mutation, provider: providerName, metrics: metrics)
    }

    func refresh(keys: [String]) async throws {
        try await engine.refresh(keys: keys)
    }

    func entities(matching filter: EntityFilter) async throws -> [Entity] {
        try await engine.store.entities(EntitiesRequest(filter: filter)).entities.compactMap { bytes in
            try? Entity(json: JSONParser.parse(bytes))
        }
    }
}

/// One ``SerialLane`` per provider name.
actor LaneRegistry {
    private var lanes: [String: SerialLane] = [:]

    func lane(for provider: String) -> SerialLane {
        if let lane = lanes[provider] { return lane }
        let lane = SerialLane()
        lanes[provider] = lane
        return lane
    }
}
