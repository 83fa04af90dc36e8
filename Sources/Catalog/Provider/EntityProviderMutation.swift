/// A change a provider applies: the whole set it owns, or a delta.
public enum EntityProviderMutation: Sendable {
    /// The provider's set becomes exactly these entities, given as a stream of batches so a very
    /// large set need not sit in memory. Use ``full(_:)`` or ``full(streaming:)`` to build it.
    case full(EntityBatches)
    /// Removals, then additions. A ref in both ends up present with the added content and keeps
    /// its uid.
    case delta(added: [DeferredEntity], removed: [EntityRemoval])

    /// A full mutation from an array.
    public static func full(_ entities: [DeferredEntity]) -> EntityProviderMutation {
        .full(EntityBatches(entities))
    }

    /// A full mutation whose entities are read from an async sequence as they are needed.
    public static func full<S: AsyncSequence & Sendable>(streaming entities: S) -> EntityProviderMutation
    where S.Element == DeferredEntity {
        .full(EntityBatches(streaming: entities))
    }
}

/// One entity to remove in a delta: by entity or by reference.
public struct EntityRemoval: Sendable {
    /// The ref to remove (any case; it is compared case-insensitively).
    public var entityRef: String
    public var locationKey: String?

    public init(entityRef: String, locationKey: String? = nil) {
        self.entityRef = entityRef
        self.locationKey = locationKey
    }

    public init(_ deferred: DeferredEntity) {
        self.init(entityRef: deferred.entity.ref.description, locationKey: deferred.locationKey)
    }

    public init(_ entity: Entity) {
        self.init(entityRef: entity.ref.description)
    }
}

/// The entities of a full mutation as an async stream of batches.
public struct EntityBatches: Sendable, AsyncSequence {
    public typealias Element = [DeferredEntity]
    /// Entities per batch when a stream is re-batched.
    public static let batchSize = 1000

    private let stream: @Sendable () -> AsyncThrowingStream<[DeferredEntity], any Error>
    /// The whole set when it was given as an array (no streaming needed).
    public let array: [DeferredEntity]?

    public init(_ entities: [DeferredEntity]) {
        self.array = entities
        self.stream = {
            AsyncThrowingStream { continuation in
                var start = 0
                while start < entities.count {
                    let end = Swift.min(start + EntityBatches.batchSize, entities.count)
                    continuation.yield(Array(entities[start..<end]))
                    start = end
                }
                continuation.finish()
            }
        }
    }

    /// Batches read from `entities` as the consumer asks for them: one batch is pulled from the
    /// source per batch consumed, so a slow writer holds back a fast source instead of the set
    /// piling up in memory.
    public init<S: AsyncSequence & Sendable>(streaming entities: S) where S.Element == DeferredEntity {
        self.array = nil
        self.stream = {
            let source = PulledBatches(entities.makeAsyncIterator())
            return AsyncThrowingStream(unfolding: { try await source.next() })
        }
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<[DeferredEntity], any Error>.AsyncIterator {
        stream().makeAsyncIterator()
    }
}

/// The iterator of a streamed full mutation's source, advanced one batch at a time.
///
/// `@unchecked Sendable`: the only caller is the `unfolding` closure of one
/// `AsyncThrowingStream`, which the stream runs for one element at a time as its single consumer
/// asks for them, so `iterator` is never touched by two tasks at once.
private final class PulledBatches<Iterator: AsyncIteratorProtocol>: @unchecked Sendable
where Iterator.Element == DeferredEntity {
    private var iterator: Iterator

    init(_ iterator: Iterator) {
        self.iterator = iterator
    }

    func next() async throws -> [DeferredEntity]? {
        var batch: [DeferredEntity] = []
        batch.reserveCapacity(EntityBatches.batchSize)
        while batch.count < EntityBatches.batchSize, let entity = try await iterator.next() {
            batch.append(entity)
        }
        return batch.isEmpty ? nil : batch
    }
}
