@testable import FrobsSimulator
import Testing

/// The demo driver: deterministic for a seed, keeps the catalog sensible, and goes through the
/// same path (data and webhooks) as the control API. Steps are driven directly: no sleeping.
@Suite struct DemoTests {
    /// Runs the planner alone over an in-memory store for `steps` steps.
    static func plan(seed: UInt64, steps: Int, from initial: [FrobSource] = FrobsSimulatorConfiguration.sampleSources)
        -> (lines: [String], store: SourceStore)
    {
        var store = SourceStore()
        for source in initial { _ = store.put(source.id, frobs: source.frobs) }
        var rng = SeededGenerator(seed: seed)
        var lines: [String] = []
        for _ in 0..<steps {
            let (line, mutation) = DemoPlanner.next(store.snapshots(), using: &rng)
            lines.append(line)
            switch mutation {
            case .put(let id, let frobs): _ = store.put(id, frobs: frobs)
            case .delete(let id): #expect(store.delete(id) != .unknown)
            }
        }
        return (lines, store)
    }

    @Test func sameSeedSameSteps() {
        let first = Self.plan(seed: 42, steps: 200)
        let second = Self.plan(seed: 42, steps: 200)
        #expect(first.lines == second.lines)
        #expect(first.store.snapshots() == second.store.snapshots())
        #expect(Self.plan(seed: 43, steps: 200).lines != first.lines)
    }

    @Test(arguments: [1, 7, 99, 12345] as [UInt64])
    func keepsTheCatalogSensible(seed: UInt64) {
        var store = SourceStore()
        for source in FrobsSimulatorConfiguration.sampleSources { _ = store.put(source.id, frobs: source.frobs) }
        var rng = SeededGenerator(seed: seed)
        var kinds = Set<String>()
        for _ in 0..<300 {
            let (line, mutation) = DemoPlanner.next(store.snapshots(), using: &rng)
            kinds.insert(String(line.split(separator: " ")[0]))
            switch mutation {
            case .put(let id, let frobs): _ = store.put(id, frobs: frobs)
            case .delete(let id):
                if case .deleted = store.delete(id) {} else { Issue.record("deleted a source that is not live: \(line)") }
            }
            let sources = store.snapshots()
            let live = sources.filter { !$0.isDeleted }
            #expect((DemoPlanner.minimumLive...DemoPlanner.maximumLive).contains(live.count))
            // Frob names stay unique across every source, deleted ones included.
            let names = sources.flatMap { $0.frobs.map(\.name) }
            #expect(Set(names).count == names.count, "duplicate frob name after: \(line)")
            #expect(names.allSatisfy { $0.hasPrefix("frob-") })
            #expect(live.allSatisfy { !$0.frobs.isEmpty && $0.frobs.count <= DemoPlanner.maximumFrobs })
        }
        // Every kind of change happens: added, renamed, "<frob> … is now", removed, deleted, re-created.
        #expect(kinds.isSuperset(of: ["added", "renamed", "removed", "deleted", "re-created"]))
        #expect(kinds.contains { $0.hasPrefix("frob-") })
    }

    @Test func linesAreReadable() {
        let lines = Self.plan(seed: 3, steps: 40).lines
        for line in lines {
            let readable = line.hasPrefix("added source ") || line.hasPrefix("added frob-") || line.hasPrefix("renamed ")
                || line.hasPrefix("removed ") || line.hasPrefix("deleted source ") || line.hasPrefix("re-created source ")
                || line.contains(" is now ")
            #expect(readable, "\(line)")
        }
        #expect(DemoPlanner.title(for: "frob-alpha-2") == "Frob Alpha 2")
    }

    @Test func stepsThroughTheSimulatorAreDeterministicAndAnnounced() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            let run: @Sendable (UInt64, String?) async throws -> ([DemoStep], String) = { seed, url in
                try await Harness.with({
                    $0.seed = seed
                    $0.ingressURL = url
                    $0.initialSources = FrobsSimulatorConfiguration.sampleSources
                }) { harness async throws in
                    var steps: [DemoStep] = []
                    for _ in 0..<15 { steps.append(await harness.simulator.demoStep()) }
                    // One more over HTTP.
                    steps.append(try await harness.request(.POST, "/demo/step").decode(DemoStep.self))
                    return (steps, try await harness.request(.GET, "/envs/production/data").text)
                }
            }
            let (announced, catalog) = try await run(5, ingress)
            let (silent, sameCatalog) = try await run(5, nil)
            #expect(announced.map(\.line) == silent.map(\.line))
            #expect(announced.map(\.number) == Array(1...16))
            #expect(catalog == sameCatalog)

            // Every step was announced, in order, with the event its change reported.
            #expect(announced.allSatisfy { $0.change.webhook?.accepted == true })
            #expect(receiver.received.map(\.text)
                == announced.map { #"{"type":"\#($0.change.event.rawValue)","id":"\#($0.change.id)"}"# })
        }
    }
}
