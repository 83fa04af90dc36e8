import Synchronization

/// Whether the server accepts traffic: false while starting and from the moment shutdown begins.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    func set(_ value: Bool) { ready.store(value, ordering: .releasing) }
}
