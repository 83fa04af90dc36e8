import Foundation

/// Runs the built `callboard` executable without blocking Swift concurrency's threads (the
/// in-process server of the same test needs them): output goes to temporary files, and the exit
/// is awaited through the process's termination handler.
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
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for (key, value) in environment where value.isEmpty { merged.removeValue(forKey: key) }
        process.environment = merged
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return CommandLineTests.Outcome(
            status: status, output: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            error: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
