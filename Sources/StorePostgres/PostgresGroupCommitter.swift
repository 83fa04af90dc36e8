import Events
import Synchronization

/// Group commit for one ``PostgresEventLog``: while a statement is in flight, new appends queue;
/// the next statement takes all of them (up to ``maxEvents`` events and ``maxBytes`` of payload).
/// Each caller is answered only after the commit that holds its events is durable, in the order
/// the requests were queued. One statement is in flight per committer (per instance), so an
/// instance takes the head row's lock once per batch instead of once per webhook.
///
/// A failed statement fails every request of its batch with the same error; nothing of the batch
/// was stored (it is one autocommitted statement). A cancelled caller whose request is still
/// queued is removed from the queue and gets `CancellationError` (nothing stored); one whose
/// request is in the statement in flight keeps waiting for its real outcome, unless every caller
/// of that batch was cancelled: then the statement is cancelled too (it stores nothing if it was
/// still waiting for a connection, as a cancelled single append did before, and commits as a
/// whole if it had been sent). Either way an event is stored at most once.
final class PostgresGroupCommitter: Sendable {
    /// Stores every request of a batch in one statement and returns each request's outcomes.
    typealias Commit = @Sendable ([[NewEvent]]) async throws -> [[AppendOutcome]]
    private typealias Waiter = CheckedContinuation<[AppendOutcome], any Error>
    private typealias Statement = Task<[[AppendOutcome]], any Error>

    /// The most events one statement stores.
    static let maxEvents = 1_000
    /// The most payload bytes one statement stores (a request larger than this goes alone).
    static let maxBytes = 8 << 20

    private struct Request {
        let id: UInt64
        let events: [NewEvent]
        let bytes: Int
        let waiter: Waiter
    }

    private struct State {
        var pending: [Request] = []
        /// Whether a flusher runs (it ends when nothing is pending).
        var flushing = false
        /// The statement in flight and the requests in it whose callers still wait.
        var statement: Statement?
        var waiting: Set<UInt64> = []
    }

    private let state = Mutex(State())
    private let lastID = Atomic<UInt64>(0)
    private let commit: Commit

    init(commit: @escaping Commit) {
        self.commit = commit
    }

    /// How many requests wait for the next statement (for tests).
    var queued: Int { state.withLock { $0.pending.count } }

    /// Queues `events` for the next statement and returns their outcomes once it has committed.
    func append(_ events: [NewEvent]) async throws -> [AppendOutcome] {
        let id = lastID.add(1, ordering: .relaxed).newValue
        let bytes = events.reduce(0) { $0 + $1.payload.count }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                if Task.isCancelled { return waiter.resume(throwing: CancellationError()) }
                let startFlushing = state.withLock { state -> Bool in
                    state.pending.append(Request(id: id, events: events, bytes: bytes, waiter: waiter))
                    if state.flushing { return false }
                    state.flushing = true
                    return true
                }
                // The flusher outlives this caller: it commits until nothing is pending, then
                // ends. Only one runs at a time (guarded by `flushing`).
                if startFlushing { Task { await self.flush() } }
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// A caller stopped waiting: drops its request if still queued, and cancels the statement in
    /// flight once none of its callers waits any more.
    private func cancel(_ id: UInt64) {
        let (dropped, statement) = state.withLock { state -> (Waiter?, Statement?) in
            if let index = state.pending.firstIndex(where: { $0.id == id }) {
                return (state.pending.remove(at: index).waiter, nil)
            }
            guard state.waiting.remove(id) != nil, state.waiting.isEmpty else { return (nil, nil) }
            return (nil, state.statement)
        }
        dropped?.resume(throwing: CancellationError())
        statement?.cancel()
    }

    /// Commits queued requests, one batch per statement, until none are left.
    private func flush() async {
        while true {
            let next = state.withLock { state -> (batch: [Request], statement: Statement)? in
                guard !state.pending.isEmpty else {
                    state.flushing = false
                    return nil
                }
                var taken = 0, events = 0, bytes = 0
                for request in state.pending {
                    let full = events + request.events.count > Self.maxEvents || bytes + request.bytes > Self.maxBytes
                    if taken > 0, full { break }
                    taken += 1
                    events += request.events.count
                    bytes += request.bytes
                }
                let batch = Array(state.pending.prefix(taken))
                state.pending.removeFirst(taken)
                // Started under the lock so that `cancel` always finds the statement of its batch.
                let requests = batch.map(\.events)
                let statement = Task { [commit] in try await commit(requests) }
                state.statement = statement
                state.waiting = Set(batch.map(\.id))
                return (batch, statement)
            }
            guard let next else { return }
            let result = await next.statement.result
            state.withLock { state in
                state.statement = nil
                state.waiting = []
            }
            switch result {
            case .success(let outcomes):
                for (request, outcome) in zip(next.batch, outcomes) { request.waiter.resume(returning: outcome) }
            case .failure(let error):
                for request in next.batch { request.waiter.resume(throwing: error) }
            }
        }
    }
}
