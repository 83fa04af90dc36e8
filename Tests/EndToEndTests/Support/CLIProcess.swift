import Foundation

/// Runs the built `callboard` executable without blocking Swift concurrency's threads (the
/// in-process server of the same test needs them): output goes to temporary files, and the exit
/// is awaited with `waitpid` (``ChildProcess``).
enum CLIProcess {
    /// Runs `callboard arguments`; an empty value in `environment` removes that variable.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws
        -> CommandLineTests.Outcome
    {
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("callboard-cli-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("callboard-cli-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for (key, value) in environment where value.isEmpty { merged.removeValue(forKey: key) }
        // Through waitpid (ChildProcess): Foundation's termination handler can miss an exit.
        let status = try await ChildProcess.run(
            [CommandLineTests.executable.path] + arguments, environment: merged, limit: .seconds(120),
            output: outURL.path, errorOutput: errURL.path)
        return CommandLineTests.Outcome(
            status: status, output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            error: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
