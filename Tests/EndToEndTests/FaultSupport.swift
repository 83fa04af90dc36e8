import AsyncHTTPClient
import CallboardTesting
import CatalogModel
import Foundation
import NIOCore
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory holding a `callboard serve` configuration and its data, for fault tests
/// that kill and restart the server on the same store: SQLite files in `data`, or (``make(_:backend:on:)``
/// with `.postgres`) a fresh database on the tests' PostgreSQL server (``TestPostgres``).
struct FaultWorkspace {
    let root: URL
    /// The PostgreSQL database the server uses; nil on SQLite.
    let postgres: PostgresClient.Configuration?
    var store: StoreBackend { postgres == nil ? .sqlite : .postgres }
    var data: URL { root.appendingPathComponent("data") }
    var config: URL { root.appendingPathComponent("app-config.yaml") }

    /// Creates the directory and writes the config: `yaml` (top-level sections other than
    /// `backend`) and `backend` (more `backend` keys, one flow-style line each, such as
    /// `reading: { … }`); listen and database (SQLite) are added here.
    init(_ yaml: String, backend: [String] = []) throws {
        try self.init(yaml, backend: backend, postgres: nil)
    }

    /// The same with `database` (one flow-style `backend.database` value) instead of SQLite: for
    /// servers that share a database made by the caller.
    init(_ yaml: String, backend: [String] = [], database: String) throws {
        try self.init(yaml, backend: backend, postgres: nil, database: database)
    }

    private init(_ yaml: String, backend: [String], postgres: PostgresClient.Configuration?,
                 database given: String? = nil) throws {
        self.postgres = postgres
        root = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let extra = backend.map { "\n  \($0)" }.joined()
        let database = given.map { "database: \($0)" } ?? postgres.map { pg in
            "database: { client: pg, connection: { host: '\(pg.host ?? "127.0.0.1")', port: \(pg.port ?? 5432), "
                + "user: '\(pg.username)', password: '\(pg.password ?? "")', database: '\(pg.database ?? "postgres")', ssl: false } }"
        } ?? "database: { client: sqlite, connection: { directory: \(data.path) } }"
        try """
            backend:
              listen: { host: 127.0.0.1, port: 0 }
              \(database)\(extra)
            \(yaml)
            """.write(to: config, atomically: true, encoding: .utf8)
    }

    /// A workspace on `store`: for `.postgres`, a new database on the tests' server (which fails
    /// the test when there is none, as ``TestPostgresAvailability`` promises under
    /// `CALLBOARD_REQUIRE_POSTGRES=1`).
    static func make(_ yaml: String, backend: [String] = [], on store: StoreBackend) async throws -> FaultWorkspace {
        switch store {
        case .sqlite: return try FaultWorkspace(yaml, backend: backend)
        case .postgres: return try FaultWorkspace(yaml, backend: backend, postgres: try await TestPostgres.shared().makeDatabase())
        }
    }

    /// A workspace whose configuration has the Frobs provider `frobs-test` on a fake upstream
    /// at `port` (allowed for reading), with its full sync's `initialDelay` and `timeout`.
    static func frobs(port: Int, initialDelay: String, timeout: String, more yaml: String = "",
                      on store: StoreBackend) async throws -> FaultWorkspace {
        try await make(frobsYAML(port: port, schedule: "{ frequency: 1h, timeout: \(timeout), initialDelay: \(initialDelay) }",
                                 more: yaml),
                       backend: [frobsReading(port: port)], on: store)
    }

    /// The `catalog` section with the Frobs provider `frobs-test` on a fake upstream at `port`,
    /// its full sync on `schedule`, followed by `more`.
    static func frobsYAML(port: Int, schedule: String, more yaml: String) -> String {
        """
        catalog:
          providers:
            frobs:
              test:
                url: http://127.0.0.1:\(port)/envs/{env}/data
                eventUrl: http://127.0.0.1:\(port)/sources/{id}/data
                schedule: \(schedule)
        \(yaml)
        """
    }

    /// The `backend.reading` line that allows the fake upstream at `port`.
    static func frobsReading(port: Int) -> String { "reading: { allow: [{ host: '127.0.0.1:\(port)' }] }" }

    func database(_ name: String) -> URL { data.appendingPathComponent("\(name).sqlite") }

    /// Deletes the directory, and drops the PostgreSQL database (in the background).
    func remove() {
        try? FileManager.default.removeItem(at: root)
        if let postgres { Task { await (try? TestPostgres.shared())?.dropDatabase(postgres) } }
    }

    /// `PRAGMA integrity_check` of each of the server's databases, run by the sqlite3 shell on
    /// the files as the last process left them (which recovers a hot WAL first); "ok" each.
    func integrityCheck() throws -> [String: String] {
        var results: [String: String] = [:]
        for name in ["events", "catalog", "scheduler"] where FileManager.default.fileExists(atPath: database(name).path) {
            results[name] = try Self.sqlite(database(name), "PRAGMA integrity_check")
        }
        return results
    }

    /// Runs one statement through the `sqlite3` shell; returns its output, trimmed.
    static func sqlite(_ file: URL, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", file.path, sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A `callboard serve` child process on a free port, killed or stopped by the test (and killed
/// when released, should a failing test not get that far).
final class FaultServer: Sendable {
    let process: Process
    let port: Int
    let logFile: URL
    /// The shared client: nothing to shut down, whichever way the test ends.
    var client: HTTPClient { HTTPClient.shared }

    var pid: Int32 { process.processIdentifier }

    /// The server's log (stderr) so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    private init(process: Process, port: Int, logFile: URL) {
        self.process = process
        self.port = port
        self.logFile = logFile
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Starts the built `callboard serve` on the workspace and waits until it is ready.
    static func start(_ workspace: FaultWorkspace) async throws -> FaultServer {
        let logFile = workspace.root.appendingPathComponent("server-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["serve", "--config", workspace.config.path]
        process.standardError = try FileHandle(forWritingTo: logFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var port: Int?
        for _ in 0..<600 where process.isRunning {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if let range = log.range(of: #"http\.port=(\d+)"#, options: .regularExpression) {
                port = Int(log[range].dropFirst("http.port=".count))
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            throw StartFailed(log: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "")
        }
        let server = FaultServer(process: process, port: port, logFile: logFile)
        let ready = try await eventually(seconds: 60) {
            (try? await server.request(.GET, "/.backstage/health/v1/readiness"))?.status == 200
        }
        guard ready else {
            await server.kill()
            throw StartFailed(log: server.log)
        }
        return server
    }

    struct StartFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "callboard serve did not start:\n\(log)" }
    }

    /// SIGKILL, and waits for the process to be gone.
    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
    }

    /// SIGTERM (a graceful stop), and waits for the exit.
    func stop() async {
        process.terminate()
        await waitForExit()
    }

    private func waitForExit() async {
        _ = try? await eventually(seconds: 60) { !process.isRunning }
    }

    /// A reply: status and body.
    struct Reply {
        var status: Int
        var body: [UInt8]
        func json() throws -> JSONValue { try JSONParser.parse(body) }
    }

    func request(_ method: HTTPMethod, _ path: String, body: String? = nil,
                 headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return Reply(status: Int(response.status.code), body: Array(bytes.readableBytesView))
    }

    func json(_ path: String) async throws -> JSONValue { try await request(.GET, path).json() }

    /// The subscription `id` from `GET /api/events/subscriptions`.
    func subscription(_ id: String) async throws -> JSONValue? {
        try await json("/api/events/subscriptions").arrayValue?.first { $0["id"]?.stringValue == id }
    }

    /// How many entities of `spec.type=frob` the catalog holds.
    func frobCount() async throws -> Int? {
        guard case .int(let total)? = try await json("/api/catalog/entities/by-query?filter=spec.type=frob&limit=1")["totalItems"]
        else { return nil }
        return Int(total)
    }

    /// Names of the catalog's entities of `spec.type=frob`, with their titles.
    func frobTitles() async throws -> [String: String] {
        let page = try await json("/api/catalog/entities?filter=spec.type=frob&fields=metadata.name,metadata.title")
        var titles: [String: String] = [:]
        for entity in page.arrayValue ?? [] {
            if let name = entity.value(atPath: "metadata.name")?.stringValue {
                titles[name] = entity.value(atPath: "metadata.title")?.stringValue ?? ""
            }
        }
        return titles
    }
}

/// Observing a SQLite database from outside the process that writes it.
enum SQLiteProbe {
    /// Whether another process holds the WAL write lock of `database`: byte 120 of its `-shm`
    /// file, which SQLite's unix VFS locks (POSIX `fcntl`) for the length of a write transaction.
    /// Asking with `F_GETLK` takes no lock, so the writer is not disturbed.
    static func writeLockHeld(_ database: URL) -> Bool {
        let descriptor = open(database.path + "-shm", O_RDWR)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 120
        lock.l_len = 1
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }
}
