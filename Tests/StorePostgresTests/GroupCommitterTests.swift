import CallboardTesting
import Events
@testable import StorePostgres
import Synchronization
import Testing

/// `PostgresGroupCommitter` with a statement of the test's own (no database): batching,
/// failures and cancellation.
@Suite("PostgreSQL group committer", .timeLimit(.minutes(1)))
struct GroupCommitterTests {
    /// A stand-in for the batch statement: records each batch (the payloads of its requests),
    /// hands out positions in order, and holds its first statement until `release` opens.
    final class Statements: Sendable {
        let started = Gate()
        let release = Gate()
        /// Whether the statements throw ``Boom``.
        let failing = Mutex(false)
        private let state = Mutex<(batches: [[String]], head: Int64)>(([], 0))

        var batches: [[String]] { state.withLock { $0.batches } }

        func commit(_ requests: [[NewEvent]]) async throws -> [[AppendOutcome]] {
            let isFirst = state.withLock { state in
                state.batches.append(requests.map { String(decoding: $0.flatMap(\.payload), as: UTF8.self) })
                return state.batches.count == 1
            }
            if isFirst {
                started.open()
                await release.wait()
                try Task.checkCancellation()
            }
            if failing.withLock({ $0 }) { throw Boom() }
            return state.withLock { state in
                requests.map { request in
                    request.map { event in
                        state.head += 1
                        return .appended(id: String(decoding: event.payload, as: UTF8.self), position: state.head)
                    }
                }
            }
        }
    }

    struct Boom: Error, Equatable {}

    static func event(_ text: String) -> NewEvent { NewEvent(topic: "t", payload: Array(text.utf8)) }

    /// Appends each request in a task of its own, one after the other once the previous is queued.
    static func queue(_ requests: [[NewEvent]], on committer: PostgresGroupCommitter) async throws
        -> [Task<[AppendOutcome], any Error>]
    {
        var tasks: [Task<[AppendOutcome], any Error>] = []
        for request in requests {
            let queuedBefore = committer.queued
            tasks.append(Task { try await committer.append(request) })
            #expect(try await eventually { committer.queued == queuedBefore + 1 })
        }
        return tasks
    }

    /// A committer whose first statement, appending event "a" in `first`, has started and is
    /// held until `statements.release` opens.
    static func heldStatement() async
        -> (statements: Statements, committer: PostgresGroupCommitter, first: Task<[AppendOutcome], any Error>)
    {
        let statements = Statements()
        let committer = PostgresGroupCommitter { try await statements.commit($0) }
        let first = Task { try await committer.append([Self.event("a")]) }
        await statements.started.wait()
        return (statements, committer, first)
    }

    @Test func requestsQueuedDuringAStatementShareTheNextOneInOrder() async throws {
        let (statements, committer, first) = await Self.heldStatement()
        let queued = try await Self.queue(["b", "c", "d"].map { [Self.event($0), Self.event($0.uppercased())] },
                                          on: committer)
        statements.release.open()
        #expect(try await first.value == [.appended(id: "a", position: 1)])
        #expect(try await queued[0].value == [.appended(id: "b", position: 2), .appended(id: "B", position: 3)])
        #expect(try await queued[1].value == [.appended(id: "c", position: 4), .appended(id: "C", position: 5)])
        #expect(try await queued[2].value == [.appended(id: "d", position: 6), .appended(id: "D", position: 7)])
        #expect(statements.batches == [["a"], ["bB", "cC", "dD"]])
    }

    @Test func aFailedStatementFailsEveryRequestOfItsBatchAndNoOther() async throws {
        let (statements, committer, first) = await Self.heldStatement()
        let queued = try await Self.queue([[Self.event("b")], [Self.event("c")]], on: committer)
        statements.failing.withLock { $0 = true }
        statements.release.open()
        await #expect(throws: Boom.self) { try await first.value }
        for request in queued { await #expect(throws: Boom.self) { try await request.value } }
        statements.failing.withLock { $0 = false }
        #expect(try await committer.append([Self.event("d")]) == [.appended(id: "d", position: 1)])
        #expect(statements.batches == [["a"], ["b", "c"], ["d"]])
    }

    @Test func aCancelledQueuedRequestIsDroppedAndTheOthersAreStored() async throws {
        let (statements, committer, first) = await Self.heldStatement()
        let queued = try await Self.queue([[Self.event("b")], [Self.event("c")]], on: committer)
        let (cancelled, kept) = (queued[0], queued[1])
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(committer.queued == 1)
        statements.release.open()
        #expect(try await first.value == [.appended(id: "a", position: 1)])
        #expect(try await kept.value == [.appended(id: "c", position: 2)])
        #expect(statements.batches == [["a"], ["c"]])
    }

    @Test func aStatementIsCancelledOnlyWhenNoneOfItsCallersWaits() async throws {
        let (statements, committer, first) = await Self.heldStatement()
        first.cancel()
        // The statement saw the cancellation: the caller gets its outcome, an error here.
        await #expect(throws: CancellationError.self) { try await first.value }
        #expect(try await committer.append([Self.event("b")]) == [.appended(id: "b", position: 1)])
    }
}
