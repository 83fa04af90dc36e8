import ArgumentParser
import CallboardConfig
import Foundation

/// `callboard config print`
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Inspect configuration.", subcommands: [Print.self])

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the merged configuration, secrets redacted.")

        @Option(name: .customLong("config"), help: "A configuration file; repeat to deep-merge several.")
        var configFiles: [String] = []

        func run() async throws {
            let paths = configFiles.isEmpty ? ["app-config.yaml"] : configFiles
            do {
                let root = try ConfigLoader.load(files: paths, environment: ProcessInfo.processInfo.environment)
                _ = try CallboardConfiguration(root: root)
                let text = ConfigYAML.render(ConfigRedaction.redacted(root))
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            } catch {
                throw StartupFailure(message: "configuration error: \(error.message)")
            }
        }
    }
}
