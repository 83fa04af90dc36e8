import Synchronization

/// A fault to inject into data reads: answer `status` instead of the data, `count` times
/// (forever when nil), for paths starting with `pathPrefix` (all data paths when nil).
public struct FaultRule: Codable, Sendable, Equatable {
    /// 400–599.
    public var status: Int
    /// Reads left to fail; nil fails until cleared.
    public var count: Int?
    /// Only data paths starting with this (e.g. `/sources/3/`) fail.
    public var pathPrefix: String?

    public init(status: Int, count: Int? = nil, pathPrefix: String? = nil) {
        self.status = status
        self.count = count
        self.pathPrefix = pathPrefix
    }

    /// Why the rule cannot be used, or nil when it can.
    var problem: String? {
        if !(400...599).contains(status) { return "status must be between 400 and 599" }
        if let count, count < 1 { return "count must be at least 1 (omit it to fail until cleared)" }
        if let pathPrefix, !pathPrefix.hasPrefix("/") { return "pathPrefix must start with '/'" }
        return nil
    }
}

/// Holds the active fault (one at a time; a new one replaces it) and counts the faults served.
final class FaultInjector: Sendable {
    private struct State {
        var rule: FaultRule?
        var served = 0
    }
    private let state = Mutex(State())

    func set(_ rule: FaultRule) {
        state.withLock { $0.rule = rule }
    }

    func clear() {
        state.withLock { $0.rule = nil }
    }

    /// The active rule and how many faults were served since start.
    func status() -> (rule: FaultRule?, served: Int) {
        state.withLock { ($0.rule, $0.served) }
    }

    /// The status to fail a read of `path` with, using up one of the rule's count; nil serves the data.
    func take(path: String) -> Int? {
        state.withLock { state in
            guard var rule = state.rule else { return nil }
            if let prefix = rule.pathPrefix, !path.hasPrefix(prefix) { return nil }
            if let count = rule.count {
                rule.count = count - 1
                state.rule = count > 1 ? rule : nil
            }
            state.served += 1
            return rule.status
        }
    }
}
