import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A throwaway PostgreSQL server: `initdb` into a temporary directory, `pg_ctl start` on a free
/// loopback port, stopped and deleted when the test process exits (or, if it crashes, by a
/// watchdog that outlives it by at most a second).
///
/// PostgreSQL refuses to run as root, and CI runs as root: then every PostgreSQL program runs as
/// an unprivileged user through `runuser` (`postgres` when Debian's package created it, else a
/// system user `callboard-pg`, created if missing, else `nobody`), and the directory is chowned
/// to it.
struct PostgresServerProcess: Sendable {
    let directory: String
    let port: Int
    let user: String
    let password: String
    /// The unprivileged user the server runs as, or nil when it runs as the current user.
    let runAs: String?
    let binaries: String

    /// Where `initdb` and `pg_ctl` live: `CALLBOARD_POSTGRES_BIN`, then the newest
    /// `/usr/lib/postgresql/*/bin` (Debian keeps them off PATH), then PATH.
    static func locateBinaries(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var candidates: [String] = []
        if let configured = environment["CALLBOARD_POSTGRES_BIN"], !configured.isEmpty { candidates.append(configured) }
        let debian = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "\(debian)/\($0)/bin" }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { directory in
            ["initdb", "pg_ctl", "postgres"].allSatisfy {
                FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)")
            }
        }
    }

    /// Creates a cluster and starts it; tries another port when the chosen one was taken meanwhile.
    static func start(binaries: String) throws -> PostgresServerProcess {
        let runAs = getuid() == 0 ? try unprivilegedUser() : nil
        let directory = try makeDirectory(owner: runAs)
        let password = UUID().uuidString
        let server = PostgresServerProcess(
            directory: directory, port: 0, user: "callboard", password: password, runAs: runAs, binaries: binaries)
        try server.initialize()
        var lastError: (any Error)?
        for _ in 0..<5 {
            let candidate = PostgresServerProcess(
                directory: directory, port: try freeLoopbackPort(), user: server.user, password: password,
                runAs: runAs, binaries: binaries)
            do {
                try candidate.launch()
                candidate.superviseUntilExit()
                return candidate
            } catch {
                lastError = error
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastError ?? TestPostgresError(message: "PostgreSQL did not start")
    }

    private func initialize() throws {
        let passwordFile = "\(directory)/pwfile"
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try Self.handOver(passwordFile, to: runAs)
        try run("initdb", ["-D", "\(directory)/data", "-U", user, "--pwfile=\(passwordFile)",
                           "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"])
    }

    private func launch() throws {
        let options = [
            "-p \(port)", "-k \(directory)", "-c listen_addresses=127.0.0.1", "-c fsync=off",
            "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=400",
            "-c shared_buffers=32MB",
        ].joined(separator: " ")
        try run("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-o", options, "-w",
                           "-t", "120", "start"])
    }

    /// Stops the server (fast shutdown: clients are disconnected), keeping its data.
    func stop() throws {
        try run("pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    /// Starts a stopped server again on the same port.
    func restart() throws {
        try launch()
    }

    /// The shell command that stops the server at once and deletes its directory.
    var stopCommand: String {
        let stop = "\(binaries)/pg_ctl -D \(directory)/data -m immediate stop"
        let asUser = runAs.map { "/usr/sbin/runuser -u \($0) -- \(stop)" } ?? stop
        return "\(asUser) >/dev/null 2>&1; rm -rf \(directory)"
    }

    /// Stops the server when this process exits normally, and starts a watchdog that stops it
    /// when this process dies any other way.
    private func superviseUntilExit() {
        PostgresServerRegistry.register(stopCommand)
        _ = Shell.spawn("while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stopCommand)", detached: true)
    }

    /// Runs one of the PostgreSQL programs in the server's directory (as the unprivileged user
    /// when there is one); its output goes to `PROGRAM.out` there and into the error.
    private func run(_ program: String, _ arguments: [String]) throws {
        let output = "\(directory)/\(program).out"
        let command = ([runAs.map { "/usr/sbin/runuser -u \($0) --" } ?? "", "\(binaries)/\(program)"]
            + arguments.map(Shell.quote)).joined(separator: " ")
        let status = Shell.run("cd \(directory) && exec \(command) </dev/null >\(output) 2>&1")
        guard status == 0 else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            let log = (try? String(contentsOfFile: "\(directory)/server.log", encoding: .utf8)) ?? ""
            throw TestPostgresError(message: "\(program) exited with \(status): \(text)\(log.suffix(2000))")
        }
    }

    /// `postgres` if it exists, else `callboard-pg` (created as a system user if missing), else `nobody`.
    private static func unprivilegedUser() throws -> String {
        if getpwnam("postgres") != nil { return "postgres" }
        if getpwnam("callboard-pg") == nil {
            _ = Shell.run("/usr/sbin/useradd --system --no-create-home --shell /usr/sbin/nologin callboard-pg >/dev/null 2>&1")
        }
        if getpwnam("callboard-pg") != nil { return "callboard-pg" }
        if getpwnam("nobody") != nil { return "nobody" }
        throw TestPostgresError(message: "running as root and no unprivileged user to run PostgreSQL as")
    }

    /// A fresh directory under /tmp (short, so the Unix socket path fits), owned by `owner`.
    private static func makeDirectory(owner: String?) throws -> String {
        var template = Array("/tmp/callboard-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TestPostgresError(message: "cannot create a temporary directory for PostgreSQL")
        }
        let directory = String(cString: made)
        try handOver(directory, to: owner)
        return directory
    }

    private static func handOver(_ path: String, to owner: String?) throws {
        guard let owner else { return }
        guard let entry = getpwnam(owner), chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw TestPostgresError(message: "cannot hand \(path) to user \(owner)")
        }
    }
}

/// Stop commands of the servers this process started, run by an `atexit` handler.
enum PostgresServerRegistry {
    private static let commands = Mutex<[String]>([])

    static func register(_ command: String) {
        let first = commands.withLock { commands in
            commands.append(command)
            return commands.count == 1
        }
        if first { atexit { PostgresServerRegistry.stopAll() } }
    }

    static func stopAll() {
        for command in commands.withLock({ commands in defer { commands = [] }; return commands }) {
            _ = Shell.run(command)
        }
    }
}
