import Dispatch
import Events
import GRDB
import Synchronization

/// Batches concurrent appends into one transaction and one flush ("group commit"): while a
/// commit is in progress, new appends queue; the next commit takes all of them. Each caller is
/// answered only after the commit that holds its events is durable.
final class GroupCommitter: Sendable {
    private typealias Waiter = CheckedContinuation<[AppendOutcome], any Error>

    private struct State {
        var pending: [(events: [NewEvent], waiter: Waiter)] = []
        var flushing = false
    }

    private let state = Mutex(State())
    private let commit: @Sendable (Database, [[NewEvent]]) throws -> [[AppendOutcome]]
    private let writer: any DatabaseWriter
    /// Runs the flush loop: blocking writes belong on a thread of their own, not on the
    /// cooperative pool, and a plain queue hop is cheaper than a task plus GRDB's async bridge.
    private let queue = DispatchQueue(label: "callboard.event-log.group-commit")

    /// - Parameter commit: writes all requests in one transaction on the writer's thread and
    ///   returns each request's outcomes.
    init(writer: any DatabaseWriter, commit: @escaping @Sendable (Database, [[NewEvent]]) throws -> [[AppendOutcome]]) {
        self.writer = writer
        self.commit = commit
    }

    func append(_ events: [NewEvent]) async throws -> [AppendOutcome] {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let startFlushing = state.withLock { state -> Bool in
                state.pending.append((events, waiter))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if startFlushing {
                // The flusher outlives this caller's request: it keeps committing until nothing is
                // pending, then ends. Only one runs at a time (guarded by `flushing`).
                queue.async { self.flush() }
            }
        }
    }

    /// Commits queued requests until none are left (on ``queue``).
    private func flush() {
        while true {
            let batch = state.withLock { state -> [(events: [NewEvent], waiter: Waiter)] in
                if state.pending.isEmpty {
                    state.flushing = false
                    return []
                }
                defer { state.pending.removeAll(keepingCapacity: true) }
                return state.pending
            }
            guard !batch.isEmpty else { return }
            do {
                let requests = batch.map(\.events)
                let outcomes = try writer.write { db in try commit(db, requests) }
                for (request, outcome) in zip(batch, outcomes) { request.waiter.resume(returning: outcome) }
            } catch {
                for request in batch { request.waiter.resume(throwing: error) }
            }
        }
    }
}
