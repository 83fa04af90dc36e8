// The full-mutation benchmark on PostgreSQL (issue 5), with its baselines measured in the same
// run: the PostgreSQL floor (the same rows inserted raw, `PostgresRawInsert`) and the same
// mutation on SQLite. Prints one line per measurement and a Markdown table at the end.
// Benchmarks/load/mutation-postgres.sh starts a throwaway server and runs it. Usage:
//
//   swift build -c release --package-path Benchmarks --product PostgresProfile
//   Benchmarks/.build/release/PostgresProfile --postgres postgresql://user:password@127.0.0.1:5432/db [--count N]
//
// The database should be empty: the catalog store migrates it, the floor uses a schema of its own.
import Catalog
import Foundation
import Logging
import PostgresNIO
import StorePostgres
import StoreSQLite
import Synchronization

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
let count = option("--count").flatMap(Int.init) ?? 10_000
guard let url = option("--postgres"), let components = URLComponents(string: url), let host = components.host else {
    FileHandle.standardError.write(Data("usage: PostgresProfile --postgres postgresql://user:password@host:port/db [--count N]\n".utf8))
    exit(2)
}
let configuration = PostgresClient.Configuration(
    host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
    database: components.path.split(separator: "/").first.map(String.init), tls: .disable)

/// Unbuffered, so that lines are not lost when the process dies.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let results = Mutex<[(String, Double)]>([])
func timed<T>(_ label: String, _ body: () async throws -> T) async rethrows -> T {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    let elapsed = clock.now - start
    let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    say("\(label.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(format: "%9.1f", ms)) ms")
    results.withLock { $0.append((label, ms)) }
    return value
}

let logger = {
    var logger = Logger(label: "postgres-profile")
    logger.logLevel = .warning
    return logger
}()
let catalog = SyntheticCatalog(count: count)
let entities = catalog.entities()
say("\(count) synthetic entities")

// The floor: the same rows, inserted raw.
let rows = RawInsertBaseline.rows(of: entities)
let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
let running = Task { await client.run() }
try await PostgresRawInsert.createTables(client, logger: logger)
let indexRows = try await timed("PostgreSQL raw insert (floor)") {
    try await PostgresRawInsert.insert(rows, into: client, logger: logger)
}
say("  index rows: \(indexRows)")

/// Runs the full-mutation phases on one store: initial load, unchanged, 1 % changed.
func mutations(_ name: String, on store: any CatalogStore) async throws {
    let engine = CatalogEngine(store: store, logger: logger)
    let connection = engine.connection(for: "profile")
    let initial = try await timed("\(name): full mutation, initial") { try await connection.applyMutation(.full(entities)) }
    if initial.added != count { say("  unexpected: added \(initial.added), rejected \(initial.rejected.count)") }
    let unchanged = try await timed("\(name): full mutation, unchanged") { try await connection.applyMutation(.full(entities)) }
    if unchanged.unchanged != count { say("  unexpected: \(unchanged)") }
    let changed = catalog.replacing(catalog.onePercent(), in: entities, revision: 1)
    let onePercent = try await timed("\(name): full mutation, 1% changed") { try await connection.applyMutation(.full(changed)) }
    if onePercent.updated != (count + 99) / 100 { say("  unexpected: \(onePercent)") }
}

// SQLite, the same mutations on a fresh on-disk store.
let scratch = try ScratchDirectory()
try await mutations("SQLite", on: try SQLiteCatalogStore(path: scratch.path("catalog.sqlite")))
scratch.remove()

// PostgreSQL: the store as a server uses it (`client: pg`).
let backend = try await PostgresBackend.open(configuration: configuration, logger: logger)
try await mutations("PostgreSQL", on: PostgresCatalogStore(database: backend))
let size = try await client.query("SELECT pg_database_size(current_database())", logger: logger)
    .collect().first?.decode(Int64.self) ?? 0
say("  database size (floor and catalog): \(size / 1_000_000) MB")
await backend.close()
running.cancel()
await running.value

let measured = results.withLock { $0 }
let floor = measured.first?.1 ?? 1
say("\n| \(count) entities | ms | × the PostgreSQL floor |\n|---|---|---|")
for (label, ms) in measured {
    say("| \(label) | \(String(format: "%.0f", ms)) | \(String(format: "%.1f", ms / floor)) |")
}
