import Catalog
import CallboardTesting
import Synchronization
import Testing

/// `EntityBatches(streaming:)` reads its source as batches are asked for, so a full mutation
/// whose writer is slower than its source holds a batch or two in memory, not the whole set.
@Suite struct StreamedBatchesTests {
    typealias F = EntityFactory

    /// An endless source of entities that counts how many were taken from it.
    final class CountingSource: AsyncSequence, Sendable {
        let taken = Atomic<Int>(0)

        struct AsyncIterator: AsyncIteratorProtocol {
            let source: CountingSource
            mutating func next() async -> DeferredEntity? {
                let index = source.taken.add(1, ordering: .relaxed).newValue
                return DeferredEntity(entity: F.component("c\(index)"))
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
    }

    @Test func theSourceIsReadOneBatchAtATime() async throws {
        let source = CountingSource()
        var batches = EntityBatches(streaming: source).makeAsyncIterator()
        let first = try #require(try await batches.next())
        #expect(first.count == EntityBatches.batchSize)
        // Give a source that runs ahead every chance to do so before looking.
        for _ in 0..<1_000 { await Task.yield() }
        #expect(source.taken.load(ordering: .relaxed) == EntityBatches.batchSize)
        let second = try #require(try await batches.next())
        #expect(second.first?.entity.metadata.name == "c\(EntityBatches.batchSize + 1)")
        #expect(source.taken.load(ordering: .relaxed) == 2 * EntityBatches.batchSize)
    }
}
