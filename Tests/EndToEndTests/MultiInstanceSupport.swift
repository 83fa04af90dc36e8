import CallboardTesting
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A fresh PostgreSQL database shared by the `callboard serve` processes of one test (SPEC §8),
/// with a client of the test's own for looking at the tables the servers share.
struct SharedDatabase: Sendable {
    let configuration: PostgresClient.Configuration
    let client: PostgresClient

    /// Makes the database, runs `body`, then drops it (after `body` has stopped its servers).
    static func with(_ body: (SharedDatabase) async throws -> Void) async throws {
        let server = try await TestPostgres.shared()
        let configuration = try await server.makeDatabase()
        let client = PostgresClient(configuration: configuration,
                                    backgroundLogger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { await client.run() }
        let outcome: Result<Void, any Error>
        do {
            try await body(SharedDatabase(configuration: configuration, client: client))
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        running.cancel()
        await running.value
        await server.dropDatabase(configuration)
        try outcome.get()
    }

    /// `backend.database` for the servers' configuration (one flow-style line).
    var backendDatabase: String {
        let host = configuration.host ?? "127.0.0.1"
        let port = configuration.port ?? 5432
        let password = configuration.password ?? ""
        let database = configuration.database ?? "postgres"
        return "{ client: pg, connection: { host: '\(host)', port: \(port), user: '\(configuration.username)', "
            + "password: '\(password)', database: '\(database)', ssl: false } }"
    }

    /// A subscriber's row: its cursor and who holds its delivery lease, read in one statement.
    func subscriber(_ id: String) async throws -> (cursor: Int64, leaseOwner: String?)? {
        let rows = try await client.query("SELECT cursor, lease_owner FROM events_subscribers WHERE id = \(id)").collect()
        return try rows.first?.decode((Int64, String?).self)
    }

    /// Every subscriber's lease owner (nil while unclaimed).
    func leaseOwners() async throws -> [String: String?] {
        var owners: [String: String?] = [:]
        for try await (id, owner) in try await client.query("SELECT id, lease_owner FROM events_subscribers")
            .decode((String, String?).self) {
            owners[id] = owner
        }
        return owners
    }

    /// The log position of each `frobs.add` event, by the Frobs id in its payload.
    func frobsAddPositions() async throws -> [String: Int64] {
        var positions: [String: Int64] = [:]
        let query: PostgresQuery = """
            SELECT position, convert_from(payload, 'UTF8')::jsonb ->> 'id' FROM events WHERE topic = 'frobs.add'
            """
        for try await (position, id) in try await client.query(query).decode((Int64, String?).self) {
            if let id { positions[id] = position }
        }
        return positions
    }
}

extension FaultWorkspace {
    /// A workspace for servers on a shared PostgreSQL database, with the Frobs provider
    /// `frobs-test` on a fake upstream at `port` and its full sync on `schedule`.
    static func sharedFrobs(port: Int, database: SharedDatabase, schedule: String, more yaml: String = "",
                            backend: [String] = []) throws -> FaultWorkspace {
        try FaultWorkspace(frobsYAML(port: port, schedule: schedule, more: yaml),
                           backend: [frobsReading(port: port)] + backend, database: database.backendDatabase)
    }
}

/// A fake Frobs upstream that counts what it is asked: per-event reads (`/sources/{id}/data`) by
/// id, slow until ``goFast()``, and full-sync reads (`/envs/test/data`), held for
/// `fullSyncHold` each, with the most that were ever in flight at once.
final class CountingFrobsUpstream: Sendable {
    private struct State {
        var reads: [String: Int] = [:]
        var started = 0
        var finished = 0
        var fast = false
        var fullSyncs = 0
        var fullSyncsInFlight = 0
        var mostFullSyncsInFlight = 0
    }

    private let state = Mutex(State())
    private let eventDelay: Duration
    private let fullSyncHold: Duration

    init(eventDelay: Duration = .zero, fullSyncHold: Duration = .zero) {
        self.eventDelay = eventDelay
        self.fullSyncHold = fullSyncHold
    }

    /// Per-event reads started, by Frobs id.
    var reads: [String: Int] { state.withLock { $0.reads } }
    var started: Int { state.withLock { $0.started } }
    var inFlight: Int { state.withLock { $0.started - $0.finished } }
    /// Full-sync reads started.
    var fullSyncs: Int { state.withLock { $0.fullSyncs } }
    var fullSyncsInFlight: Int { state.withLock { $0.fullSyncsInFlight } }
    /// The most full-sync reads ever in flight at the same time.
    var mostFullSyncsInFlight: Int { state.withLock { $0.mostFullSyncsInFlight } }
    func goFast() { state.withLock { $0.fast = true } }

    func reply(_ request: FakeHTTPServer.Request) async -> FakeHTTPServer.Reply {
        let parts = request.path.split(separator: "/")
        if parts == ["envs", "test", "data"] { return await fullSync() }
        guard parts.count == 3, parts[0] == "sources", parts[2] == "data" else {
            return .init(status: 404, text: "not found")
        }
        let id = String(parts[1])
        let slow = state.withLock { state -> Bool in
            state.started += 1
            state.reads[id, default: 0] += 1
            return !state.fast
        }
        // Slow enough for a kill to find a read in flight; not a timing assertion.
        if slow { try? await Task.sleep(for: eventDelay) }
        state.withLock { $0.finished += 1 }
        return Self.frobs([(name: "frob-\(id)", owner: "team-multi")])
    }

    private func fullSync() async -> FakeHTTPServer.Reply {
        state.withLock { state in
            state.fullSyncs += 1
            state.fullSyncsInFlight += 1
            state.mostFullSyncsInFlight = max(state.mostFullSyncsInFlight, state.fullSyncsInFlight)
        }
        // Held so that a second run started meanwhile would overlap this one.
        try? await Task.sleep(for: fullSyncHold)
        state.withLock { $0.fullSyncsInFlight -= 1 }
        return Self.frobs([(name: "synced-frob", owner: "team-multi")])
    }

    private static func frobs(_ frobs: [(name: String, owner: String)]) -> FakeHTTPServer.Reply {
        let items = frobs.map { #"{"name":"\#($0.name)","owner":"\#($0.owner)"}"# }.joined(separator: ",")
        return .init(status: 200, headers: [("content-type", "application/json")], text: #"{"frobs":[\#(items)]}"#)
    }
}
