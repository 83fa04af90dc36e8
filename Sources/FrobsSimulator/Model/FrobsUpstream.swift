import Synchronization

/// The fake Frobs service without its HTTP face: sources, faults and the webhook queue.
///
/// A change and the queueing of its webhook happen in one critical section, so webhooks leave in
/// the order the changes happened; the caller then waits for the delivery outside the lock.
final class FrobsUpstream: Sendable {
    private let store: Mutex<SourceStore>
    let faults = FaultInjector()
    let webhooks: WebhookSender?

    init(initialSources: [FrobSource], webhooks: WebhookSender?) {
        var store = SourceStore()
        for source in initialSources { _ = store.put(source.id, frobs: source.frobs) }
        self.store = Mutex(store)
        self.webhooks = webhooks
    }

    enum DeleteResult: Equatable { case deleted(SourceChange), unknown, alreadyDeleted }

    /// Creates or replaces a source (the id must be valid) and announces it unless `notify` is false.
    func put(_ id: String, frobs: [Frob], notify: Bool) async -> SourceChange {
        let (change, delivery) = commit { store in
            let (event, version) = store.put(id, frobs: frobs)
            let change = SourceChange(id: id, event: event, version: version, webhook: nil)
            return (change, notify ? change : nil)
        }
        return await finish(change, delivery)
    }

    /// Deletes a live source and announces it unless `notify` is false.
    func delete(_ id: String, notify: Bool) async -> DeleteResult {
        let (result, delivery) = commit { store -> (DeleteResult, SourceChange?) in
            switch store.delete(id) {
            case .unknown: return (.unknown, nil)
            case .alreadyDeleted: return (.alreadyDeleted, nil)
            case .deleted(let version):
                let change = SourceChange(id: id, event: .delete, version: version, webhook: nil)
                return (.deleted(change), notify ? change : nil)
            }
        }
        guard case .deleted(let change) = result else { return result }
        return .deleted(await finish(change, delivery))
    }

    /// Plans a change from the current sources and applies it in the same critical section, and
    /// announces it (the demo driver's step, which must not interleave with another change).
    func apply<Plan: Sendable>(
        _ plan: ([SourceSnapshot]) -> (Plan, FrobSourceMutation)
    ) async -> (Plan, SourceChange?) {
        let ((planned, change), delivery) = commit { store -> ((Plan, SourceChange?), SourceChange?) in
            let (planned, mutation) = plan(store.snapshots())
            let change = Self.apply(mutation, to: &store)
            return ((planned, change), change)
        }
        guard let change else { return (planned, nil) }
        return (planned, await finish(change, delivery))
    }

    /// Sends an arbitrary webhook body as is (signed like the others), in order with the rest.
    func sendRaw(_ body: [UInt8]) async -> WebhookDelivery? {
        guard let webhooks else { return nil }
        let task = store.withLock { _ in webhooks.enqueue(body, label: "(raw)") }
        return await task.value
    }

    func data(_ id: String) -> [Frob]? { store.withLock { $0.data(id) } }
    func previousState(_ id: String) -> [Frob]? { store.withLock { $0.previousState(id) } }
    func liveFrobs() -> [Frob] { store.withLock { $0.liveFrobs() } }
    func snapshots() -> [SourceSnapshot] { store.withLock { $0.snapshots() } }
    func snapshot(_ id: String) -> (SourceSnapshot, previous: [Frob]?)? {
        store.withLock { store in store.snapshot(id).map { ($0, store.previousState(id)) } }
    }

    private static func apply(_ mutation: FrobSourceMutation, to store: inout SourceStore) -> SourceChange? {
        switch mutation {
        case .put(let id, let frobs):
            let (event, version) = store.put(id, frobs: frobs)
            return SourceChange(id: id, event: event, version: version, webhook: nil)
        case .delete(let id):
            guard case .deleted(let version) = store.delete(id) else { return nil }
            return SourceChange(id: id, event: .delete, version: version, webhook: nil)
        }
    }

    /// Runs `body` under the lock and queues the webhook for the change it returns to announce.
    private func commit<Result>(
        _ body: (inout SourceStore) -> (Result, SourceChange?)
    ) -> (Result, Task<WebhookDelivery, Never>?) {
        store.withLock { store in
            let (result, announce) = body(&store)
            guard let announce, let webhooks else { return (result, nil) }
            let bytes = WebhookEventBody.bytes(type: announce.event, id: announce.id)
            return (result, webhooks.enqueue(bytes, label: "\(announce.event.rawValue) \(announce.id)"))
        }
    }

    private func finish(_ change: SourceChange, _ delivery: Task<WebhookDelivery, Never>?) async -> SourceChange {
        var change = change
        change.webhook = await delivery?.value
        return change
    }
}

/// A change to one source, as the demo planner asks for it.
enum FrobSourceMutation: Sendable, Equatable {
    case put(id: String, frobs: [Frob])
    case delete(id: String)
}
