import CallboardConfig
import FrobsSimulator
import Logging
import ServiceLifecycle

/// The `frobsSimulator` section: runs the fake Frobs service inside `callboard serve`, so the
/// guide's flow works with no other process (the README's quick start). It speaks only HTTP:
/// it serves Frobs data on its own port and posts webhooks to this server's `frobs` topic.
///
/// ```yaml
/// frobsSimulator:
///   enabled: true          # default true when the section is present
///   host: 127.0.0.1
///   port: 7008
///   demoInterval: 5s       # a change every 5 s; 0 turns the demo off
///   seed: 1
///   signingSecret: …       # optional: sign webhooks (hmac-sha256, x-signature, 'sha256=')
///   troubleEvery: 6        # optional: every 6th step goes wrong on purpose (0 = never)
/// ```
struct FrobsSimulatorSettings: Sendable {
    var host = "127.0.0.1"
    var port = 7008
    var demoInterval: Duration? = .seconds(5)
    var seed: UInt64 = 1
    var signingSecret: String?
    var troubleEvery: Int?

    /// The settings when the section is present and enabled; nil otherwise.
    static func read(_ root: ConfigReader) throws(ConfigError) -> FrobsSimulatorSettings? {
        let section = root.child("frobsSimulator")
        guard !section.isNull else { return nil }
        _ = try section.asObject()
        try section.expectOnly(["enabled", "host", "port", "demoInterval", "seed", "signingSecret", "troubleEvery"])
        guard try section.optionalBool("enabled") ?? true else { return nil }
        var settings = FrobsSimulatorSettings()
        settings.host = try section.optionalString("host") ?? settings.host
        settings.port = try section.optionalInt("port", in: 0...65535) ?? settings.port
        if section.has("demoInterval") {
            let interval = try section.duration("demoInterval")
            settings.demoInterval = interval == .zero ? nil : interval
        }
        settings.seed = UInt64(try section.optionalInt("seed", in: 0...Int.max) ?? 1)
        settings.signingSecret = try section.optionalString("signingSecret")
        settings.troubleEvery = try section.optionalInt("troubleEvery", in: 0...1_000_000)
        return settings
    }
}

/// Runs the simulator once Callboard listens, pointing its webhooks at this server's ingress.
/// A simulator that cannot start (its port is taken) is logged and Callboard keeps running.
struct EmbeddedFrobsSimulator: Service {
    let settings: FrobsSimulatorSettings
    /// Callboard's bound port, once it listens (nil before).
    let callboardPort: @Sendable () -> Int?
    let logger: Logger

    func run() async throws {
        var logger = logger
        logger[metadataKey: "component"] = "frobs-simulator"
        do {
            // Waits for Callboard to listen; cancellation (Callboard could not bind) and
            // shutdown end the wait.
            var port = callboardPort()
            while port == nil {
                if Task.isShuttingDownGracefully { return }
                try await Task.sleep(for: .milliseconds(20))
                port = callboardPort()
            }
            let configuration = FrobsSimulatorConfiguration(
                host: settings.host, port: settings.port,
                ingressURL: "http://127.0.0.1:\(port ?? 0)/api/events/http/frobs",
                signingSecret: settings.signingSecret, demoInterval: settings.demoInterval, seed: settings.seed,
                troubleEvery: settings.troubleEvery, initialSources: FrobsSimulatorConfiguration.sampleSources)
            let simulator = try FrobsSimulator(configuration: configuration, logger: logger)
            logger.info("Starting the embedded Frobs simulator", metadata: [
                "http.port": "\(settings.port)", "demo.interval": "\(settings.demoInterval.map { "\($0)" } ?? "off")",
            ])
            // The simulator runs its own service group; pass Callboard's shutdown on to it.
            try await withGracefulShutdownHandler {
                try await simulator.run()
            } onGracefulShutdown: {
                Task { await simulator.shutdown() }
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("The embedded Frobs simulator stopped; Callboard keeps running without it", metadata: [
                "error": "\(error)",
            ])
        }
    }
}
