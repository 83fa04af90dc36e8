import FrobsSimulator
import Logging
import ServiceLifecycle
import Testing

/// Configuration checks, start/stop, and the secret never showing.
@Suite struct LifecycleTests {
    @Test func descriptionRedactsTheSecret() {
        let configuration = FrobsSimulatorConfiguration(ingressURL: "http://127.0.0.1:7007/api/events/http/frobs",
                                                        signingSecret: "top-secret-value")
        #expect(!configuration.description.contains("top-secret-value"))
        #expect(configuration.description.contains("<redacted>"))
    }

    @Test(arguments: [
        FrobsSimulatorConfiguration(ingressURL: "ftp://127.0.0.1/x"),
        FrobsSimulatorConfiguration(initialSources: [FrobSource(id: "no spaces", frobs: [])]),
        FrobsSimulatorConfiguration(initialSources: [FrobSource(id: "1", frobs: []), FrobSource(id: "1", frobs: [])]),
    ])
    func invalidConfigurationIsRefused(configuration: FrobsSimulatorConfiguration) {
        #expect(throws: FrobsSimulatorError.self) {
            _ = try FrobsSimulator(configuration: configuration, logger: Logger(label: "test"))
        }
    }

    @Test func startsOnAFreePortAndStops() async throws {
        let simulator = try FrobsSimulator(configuration: .init(port: 0, demoInterval: .seconds(3600)), logger: Logger(label: "test"))
        let port = try await simulator.start()
        #expect(port > 0)
        #expect(try await simulator.port() == port)
        await simulator.shutdown()
        // Runs once.
        await #expect(throws: FrobsSimulatorError.alreadyStarted) { try await simulator.run() }
    }

    @Test func stopsWhileTheDemoLoopRuns() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({
                $0.ingressURL = ingress
                $0.demoInterval = .milliseconds(1)
                $0.initialSources = FrobsSimulatorConfiguration.sampleSources
            }) { harness async throws in
                // However many steps ran, the data stays a valid document.
                for _ in 0..<5 { _ = try await harness.names("/envs/production/data") }
            }
            // Every webhook sent was a well-formed event.
            #expect(receiver.received.allSatisfy { $0.text.hasPrefix(#"{"type":""#) })
        }
    }

    @Test func runsInsideAServiceGroup() async throws {
        let simulator = try FrobsSimulator(configuration: .init(port: 0), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [simulator], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await simulator.port()
            let harness = Harness(simulator: simulator, port: port)
            #expect(try await harness.request(.GET, "/health").status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aBusyPortFailsStart() async throws {
        try await Harness.with { harness async throws in
            let second = try FrobsSimulator(configuration: .init(port: harness.port), logger: Logger(label: "test"))
            await #expect(throws: (any Error).self) { _ = try await second.start() }
            await second.shutdown()
        }
    }

    @Test func inProcessControlMatchesHTTP() async throws {
        try await Harness.with { harness async throws in
            let change = try await harness.simulator.putSource("1", frobs: [Frob(name: "frob-a", owner: "team-a")])
            #expect(change.event == .add && change.webhook == nil)
            #expect(try await harness.names("/sources/1/data") == ["frob-a"])
            #expect(try await harness.simulator.deleteSource("1").event == .delete)
            await #expect(throws: FrobsSimulatorError.unknownSource("1")) { try await harness.simulator.deleteSource("1") }
            await #expect(throws: FrobsSimulatorError.invalidSourceID("a/b")) {
                try await harness.simulator.putSource("a/b", frobs: [])
            }
        }
    }
}
