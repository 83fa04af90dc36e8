import ArgumentParser
import CallboardConfig
import CallboardServer
import Foundation
import Logging

/// `callboard serve [--config FILE]...`
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Callboard server.")

    @Option(name: .customLong("config"), help: "A configuration file; repeat to deep-merge several (later wins).")
    var configFiles: [String] = []

    func run() async throws {
        // Under a file size limit (`ulimit -f`), a write past it raises SIGXFSZ, whose default
        // action kills the process; ignored, the write fails with EFBIG instead, and the server
        // answers 503 as for a full disk (issue 7, docs/reliability-faults.md).
        signal(SIGXFSZ, SIG_IGN)
        do {
            let configuration = try ConfigFiles.load(configFiles)
            // The log's format and level come from backend.logging, CALLBOARD_LOG_FORMAT and LOG_LEVEL.
            LoggingBootstrap.bootstrap(
                try configuration.backend.logging.overridden(by: ProcessInfo.processInfo.environment))
            let logger = Logger(label: "callboard")
            let application = try await buildApplication(configuration: configuration, logger: logger)
            try await application.run()
        } catch let error as ConfigError {
            throw StartupFailure(message: "configuration error: \(error.message)")
        } catch let error as StartupError {
            throw StartupFailure(message: error.message)
        }
    }
}

/// A startup error: printed as one line, exit code 1, no stack trace.
struct StartupFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "callboard: \(message)" }
}

/// Which configuration files to read.
enum ConfigFiles {
    static func load(_ files: [String]) throws -> CallboardConfiguration {
        let paths = files.isEmpty ? ["app-config.yaml"] : files
        return try CallboardConfiguration.load(files: paths, environment: ProcessInfo.processInfo.environment)
    }
}
