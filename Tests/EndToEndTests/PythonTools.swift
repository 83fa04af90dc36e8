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
        defer { try? FileManager.default.removeItem(at: log) }
        // Through waitpid, not Foundation's Process, which can miss an exit (see ChildProcess).
        let started = ContinuousClock.now
        let status = try await ChildProcess.run(
            ["python3", "-u"] + arguments, environment: ProcessInfo.processInfo.environment, limit: timeout,
            output: log.path, directory: FileManager.default.temporaryDirectory.path)  // tools drop caches there
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Outcome(status: status, output: output, timedOut: status == -1 && ContinuousClock.now - started >= timeout)
    }
}
