import ArgumentParser
import CallboardConfig
import CallboardServer
import Foundation
import FrobsSimulator
import Logging
import ServiceLifecycle
import UnixSignals

/// `callboard frobs-simulator`: the fake Frobs service on its own, for a Callboard running
/// elsewhere (or with `frobsSimulator.enabled: false`). See docs/frobs-simulator.md.
struct FrobsSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frobs-simulator",
        abstract: "Run a fake Frobs service that serves Frobs data and posts webhooks to Callboard.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 7008

    @Option(help: "Where to post webhooks: Callboard's frobs topic.")
    var ingressURL = "http://127.0.0.1:7007/api/events/http/frobs"

    @Option(help: "Seconds between demo changes; 0 turns the demo off.")
    var demoInterval: Double = 5

    @Option(help: "Seed of the demo's choices (the same seed makes the same changes).")
    var seed: UInt64 = 1

    @Option(help: "Sign webhooks with HMAC-SHA256 in x-signature (read from this environment variable).")
    var signingSecretEnv: String?

    @Flag(help: "Start without the two sample sources.")
    var empty = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard demoInterval >= 0 else { throw ValidationError("--demo-interval must not be negative") }
    }

    func run() async throws {
        // The same log settings as serve, from CALLBOARD_LOG_FORMAT and LOG_LEVEL (no config file here).
        do {
            LoggingBootstrap.bootstrap(
                try CallboardConfiguration.Logging().overridden(by: ProcessInfo.processInfo.environment))
        } catch {
            throw StartupFailure(message: "configuration error: \(error.message)")
        }
        let logger = Logger(label: "frobs-simulator")
        var secret: String?
        if let name = signingSecretEnv {
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw StartupFailure(message: "environment variable \(name) (--signing-secret-env) is not set")
            }
            secret = value
        }
        let configuration = FrobsSimulatorConfiguration(
            host: host, port: port, ingressURL: ingressURL, signingSecret: secret,
            demoInterval: demoInterval > 0 ? .milliseconds(Int64(demoInterval * 1000)) : nil, seed: seed,
            initialSources: empty ? [] : FrobsSimulatorConfiguration.sampleSources)
        let simulator: FrobsSimulator
        do {
            simulator = try FrobsSimulator(configuration: configuration, logger: logger)
        } catch {
            throw StartupFailure(message: "\(error)")
        }
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: simulator)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
