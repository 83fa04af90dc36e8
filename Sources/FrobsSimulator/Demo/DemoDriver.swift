import Logging
import Synchronization

/// One step of the demo: what changed, described in one line, and the change's outcome.
public struct DemoStep: Sendable, Equatable, Codable {
    /// 1 for the first step, then +1.
    public var number: Int
    /// E.g. `added source 3 with frob-alpha, frob-beta`.
    public var line: String
    /// The change and its webhook's outcome.
    public var change: SourceChange

    public init(number: Int, line: String, change: SourceChange) {
        self.number = number
        self.line = line
        self.change = change
    }
}

/// Makes the catalog visibly change: each step plans a change with ``DemoPlanner`` and applies it
/// through the upstream (so the webhook goes out like any other), then logs one readable line.
final class DemoDriver: Sendable {
    let upstream: FrobsUpstream
    private let logger: Logger
    /// Every this many steps, a ``DemoTrouble`` step instead of a change; nil never.
    private let troubleEvery: Int?
    /// The generator and the step count; used only inside the upstream's critical section, so a
    /// step's plan always sees the sources it changes.
    private let state: Mutex<(rng: SeededGenerator, steps: Int)>

    init(upstream: FrobsUpstream, seed: UInt64, troubleEvery: Int? = nil, logger: Logger) {
        self.upstream = upstream
        self.logger = logger
        self.troubleEvery = troubleEvery.flatMap { $0 > 0 ? $0 : nil }
        self.state = Mutex((SeededGenerator(seed: seed), 0))
    }

    /// Plans and applies one change (or, every `troubleEvery` steps, a trouble step), waits for
    /// its webhook, and logs it.
    func step() async -> DemoStep {
        if let troubleEvery {
            let number = state.withLock { state -> Int? in
                guard (state.steps + 1) % troubleEvery == 0 else { return nil }
                state.steps += 1
                return state.steps
            }
            if let number {
                let (line, change) = await trouble(DemoTrouble.at(number / troubleEvery - 1))
                logger.info("demo: \(line)")
                return DemoStep(number: number, line: line,
                                change: change ?? SourceChange(id: "", event: .modify, version: 0, webhook: nil))
            }
        }
        let ((number, line), change) = await upstream.apply { sources in
            state.withLock { state -> ((Int, String), FrobSourceMutation) in
                state.steps += 1
                let (line, mutation) = DemoPlanner.next(sources, using: &state.rng)
                return ((state.steps, line), mutation)
            }
        }
        // The planner only deletes live sources, so a change always happens.
        let applied = change ?? SourceChange(id: "", event: .modify, version: 0, webhook: nil)
        var message = "demo: \(line)"
        if let webhook = applied.webhook {
            message += webhook.accepted ? " (webhook \(webhook.status ?? 0))" : " (webhook not accepted)"
        }
        logger.info("\(message)")
        return DemoStep(number: number, line: line, change: applied)
    }
}
