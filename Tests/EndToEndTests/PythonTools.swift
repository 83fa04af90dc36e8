import Foundation
import Synchronization

/// The Python tools some tests drive (`openapi-spec-validator`, `schemathesis`, both from PyPI).
/// Without them those tests are skipped with a notice, unless `CALLBOARD_REQUIRE_PYTHON_TOOLS=1`
/// (as in CI, where `.ci/run` installs them), which makes a missing tool a failure.
enum PythonTools {
    static let required = ProcessInfo.processInfo.environment["CALLBOARD_REQUIRE_PYTHON_TOOLS"] == "1"

    /// Whether `python3 -c "import <module>"` works.
    static func has(_ module: String) -> Bool {
        BrowserEnvironment.succeeds("/usr/bin/env", ["python3", "-c", "import \(module)"])
    }

    /// Run when `module` is importable, or when the tools are required (then its absence fails).
    static func shouldRun(_ module: String, pip: String) -> Bool {
        if has(module) || required { return true }
        print("NOTICE: \(pip) tests skipped: python3 cannot import \(module). Install it with "
            + "`python3 -m pip install '\(pip)'`; CALLBOARD_REQUIRE_PYTHON_TOOLS=1 turns this skip into a failure.")
        return false
    }

    /// Whether the process finished, and whether it was killed for taking too long.
    final class RunState: Sendable {
        let finished = Mutex(false)
        let killed = Mutex(false)
    }

    /// What a run printed and how it ended.
    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var timedOut: Bool
    }

    /// Runs `python3 arguments…` (stdout and stderr together, in a temporary file so a large
    /// output never blocks the pipe), killing it after `timeout`.
    static func run(_ arguments: [String], timeout: Duration) async throws -> Outcome {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-python-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: log)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u"] + arguments
        process.currentDirectoryURL = FileManager.default.temporaryDirectory  // tools drop caches in the working folder
        process.standardOutput = handle
        process.standardError = handle
        let state = RunState()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                state.finished.withLock { $0 = true }
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            Task.detached {
                try? await Task.sleep(for: timeout)
                let finished = state.finished.withLock { $0 }
                if !finished {
                    state.killed.withLock { $0 = true }
                    kill(pid, SIGKILL)
                }
            }
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: output, timedOut: state.killed.withLock { $0 })
    }
}
