import ArgumentParser
import CallboardConfig
import Foundation

/// Options shared by the commands that talk to a running server: where it is, which
/// configuration to read the base URL (and secrets or tokens) from.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The server's base URL (default: backend.baseUrl from the configuration, else http://localhost:7007).",
        valueName: "url"))
    var url: String?

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "A configuration file; repeat to deep-merge several (default: ./app-config.yaml when it exists).",
        valueName: "file"))
    var configFiles: [String] = []

    static let defaultURL = "http://localhost:7007"

    /// The configuration: the `--config` files, else `./app-config.yaml` when it exists, else the
    /// defaults. Read only when a value is needed, so `--url` works next to a config with unset
    /// variables.
    func configuration() throws -> CallboardConfiguration {
        var paths = configFiles
        if paths.isEmpty {
            guard FileManager.default.fileExists(atPath: "app-config.yaml") else { return CallboardConfiguration() }
            paths = ["app-config.yaml"]
        }
        do {
            return try CallboardConfiguration.load(files: paths, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw RemoteError(.local, "configuration error: \(error.message)")
        }
    }

    /// `--url`, else `backend.baseUrl`, else http://localhost:7007; without a trailing slash.
    func baseURL() throws -> String {
        var base = try url ?? configuration().backend.baseUrl ?? Self.defaultURL
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw RemoteError(.local, "--url must be an http:// or https:// URL, got '\(base)'")
        }
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The bearer token: `explicit` (`--token`), else `CALLBOARD_TOKEN`, else the first
    /// `backend.auth.externalAccess` token of the configuration; nil when there is none.
    func token(explicit: String?) throws -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let value = ProcessInfo.processInfo.environment["CALLBOARD_TOKEN"], !value.isEmpty { return value }
        return try configuration().backend.auth.externalAccess.first?.token.value
    }
}
