import Foundation

/// Whether the browser tests can run here: headless Chromium and chromedriver from Debian's
/// packages, and selenium for Python. Without them the tests are skipped with a notice, unless
/// `CALLBOARD_REQUIRE_BROWSER=1` (as in CI), which makes a missing tool a failure.
enum BrowserEnvironment {
    static let required = ProcessInfo.processInfo.environment["CALLBOARD_REQUIRE_BROWSER"] == "1"

    /// What is missing, e.g. `["chromium", "selenium (pip)"]`.
    static let missing: [String] = {
        var missing: [String] = []
        if executable(["chromium", "chromium-browser"]) == nil { missing.append("chromium") }
        if executable(["chromedriver"]) == nil { missing.append("chromedriver (chromium-driver)") }
        if !succeeds("/usr/bin/env", ["python3", "-c", "import selenium"]) { missing.append("selenium (pip install selenium)") }
        return missing
    }()

    /// Run when the tools are there, or when they are required (then their absence fails).
    static var shouldRun: Bool {
        if missing.isEmpty || required { return true }
        print("NOTICE: browser tests skipped, missing: \(missing.joined(separator: ", ")). "
            + "Install with `apt-get install -y chromium chromium-driver` and `pip install selenium`; "
            + "CALLBOARD_REQUIRE_BROWSER=1 turns this skip into a failure.")
        return false
    }

    /// The first of `names` found on PATH (or in /usr/bin).
    static func executable(_ names: [String]) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/lib/chromium"
        for name in names {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static func succeeds(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        } catch {
            return false
        }
    }

    /// The repository's root (this file is Tests/EndToEndTests/BrowserEnvironment.swift).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `python3 arguments…` with stdout and stderr going to the test's own; returns the exit
    /// status once it exits. The script bounds its own run time (SIGALRM); `hardLimit` bounds the
    /// script, should it not answer its alarm (a browser stuck in a system call).
    static func runPython(_ arguments: [String], hardLimit: Duration = .seconds(480)) async throws -> Int32 {
        var environment = ProcessInfo.processInfo.environment
        environment["SE_OFFLINE"] = "true"  // selenium must never try to download a driver
        return try await ChildProcess.run(["python3", "-u"] + arguments, environment: environment, limit: hardLimit)
    }
}
