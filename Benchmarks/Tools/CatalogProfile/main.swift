// Timing sections for the catalog write path, to see where a benchmark's time goes; run under
// `perf record` for a profile. Not a benchmark (package-benchmark only runs executables directly
// under Benchmarks/). Usage:
//
//   swift build -c release --package-path Benchmarks --product CatalogProfile
//   Benchmarks/.build/release/CatalogProfile [phases] [--count N] [--keep catalog.sqlite] [--block-pool-thread] [--page-size N]
//       [--provider NAME]    # the provider that owns the entities (default `profile`); Benchmarks/load/reads.sh
//                            # seeds a catalog for a server whose provider has this name
//
// phases (default: all but reads): prepare, baseline, initial, unchanged, onepct, delta, reads
// (unchanged, onepct, delta and reads run on the catalog that initial loaded). With `--keep` on
// an existing catalog, `reads` alone reuses it instead of loading again:
//   CatalogProfile initial --count 250000 --keep /tmp/c250k.sqlite   # once
//   CatalogProfile reads --count 250000 --keep /tmp/c250k.sqlite     # read latencies
import Catalog
import Foundation
import GRDB
import Logging
import StoreSQLite

var arguments = Array(CommandLine.arguments.dropFirst())
var count = 100_000
var keepPath: String?
var providerName = "profile"
if let index = arguments.firstIndex(of: "--provider"), index + 1 < arguments.count {
    providerName = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
// `--page-size N`: create the catalog database with this page size before the store opens it.
var pageSize: Int?
if let index = arguments.firstIndex(of: "--page-size"), index + 1 < arguments.count {
    pageSize = Int(arguments[index + 1])!
    arguments.removeSubrange(index...(index + 1))
}
if let index = arguments.firstIndex(of: "--keep"), index + 1 < arguments.count {
    keepPath = arguments[index + 1]
    arguments.removeSubrange(index...(index + 1))
}
if let index = arguments.firstIndex(of: "--count"), index + 1 < arguments.count {
    count = Int(arguments[index + 1])!
    arguments.removeSubrange(index...(index + 1))
}
// `--block-pool-thread`: keep one cooperative-pool thread blocked for the whole run, as
// package-benchmark's runner does while it waits for an async benchmark closure.
if let index = arguments.firstIndex(of: "--block-pool-thread") {
    arguments.remove(at: index)
    let started = DispatchSemaphore(value: 0)
    Task.detached {
        started.signal()
        DispatchSemaphore(value: 0).wait()
    }
    started.wait()
}
let phases = Set(arguments.isEmpty ? ["prepare", "baseline", "initial", "unchanged", "onepct", "delta"] : arguments)

/// Unbuffered, so that lines are not lost when the process dies.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let clock = ContinuousClock()
func timed<T>(_ label: String, _ body: () async throws -> T) async rethrows -> T {
    let start = clock.now
    let value = try await body()
    let elapsed = clock.now - start
    let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    say("\(label.padding(toLength: 48, withPad: " ", startingAt: 0)) \(String(format: "%9.1f", ms)) ms")
    return value
}

func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("callboard-profile-\(UUID().uuidString.lowercased())", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

let catalog = SyntheticCatalog(count: count)
let entities = await timed("generate \(count) entities") { catalog.entities() }
let preparer = EntityPreparer()
if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
   let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) {
    say("resident after generating: \(line.dropFirst(6).trimmingCharacters(in: .whitespaces))")
}

if phases.contains("prepare") {
    _ = await timed("inputHash × \(count)") { entities.map { preparer.inputHash(of: $0) }.count }
    _ = await timed("entity.json × \(count)") { entities.map { $0.entity.json }.count }
    let json = entities.map { $0.entity.json }
    _ = await timed("canonicalBytes × \(count)") { json.map { $0.canonicalBytes() }.count }
    _ = await timed("EntityValidator.validate × \(count)") { entities.map { EntityValidator.validate($0.entity) }.count }
    _ = await timed("RelationDerivation.derive × \(count)") {
        entities.map { RelationDerivation.derive(from: $0.entity) }.count
    }
    _ = await timed("SearchRowBuilder.rows × \(count)") {
        try! zip(entities, json).map { try SearchRowBuilder.rows(for: $0.entity, json: $1) }.count
    }
    _ = await timed("Stitcher.processedJSON × \(count)") { entities.map { Stitcher.processedJSON(of: $0.entity) }.count }
    let prepared = await timed("prepare × \(count)") {
        entities.map { deferred -> PreparedEntity in
            guard case .success(let prepared) = preparer.prepare(deferred, providerName: "p") else { fatalError() }
            return prepared
        }
    }
    let rows = prepared.reduce(0) { $0 + $1.searchRows.count }
    let relations = prepared.reduce(0) { $0 + $1.relations.count }
    say("  search rows per entity: \(Double(rows) / Double(count)), relation rows per entity: \(Double(relations) / Double(count))")
}

if phases.contains("baseline") {
    let rows = await timed("baseline: compute rows") { RawInsertBaseline.rows(of: entities) }
    for variant in RawInsertBaseline.Variant.allCases {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try RawInsertBaseline.open(path: dir.appendingPathComponent("b.sqlite").path, variant: variant)
        _ = try await timed("baseline insert (\(variant))") { try await RawInsertBaseline.insert(rows, into: pool) }
        if variant == .keyValueIndexAfterLoad {
            try await timed("  then CREATE INDEX search(key, value, original_value)") {
                try await pool.write { db in try db.execute(sql: "CREATE INDEX search_key_value ON search(key, value, original_value)") }
            }
        }
    }
}

if !phases.isDisjoint(with: ["initial", "unchanged", "onepct", "delta", "reads"]) {
    let dir = try scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = keepPath ?? dir.appendingPathComponent("catalog.sqlite").path
    if let pageSize {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize); CREATE TABLE page_size_probe(x); DROP TABLE page_size_probe")
        }
        try queue.close()
    }
    let store = try SQLiteCatalogStore(path: path)
    var logger = Logger(label: "profile")
    logger.logLevel = .warning
    let engine = CatalogEngine(store: store, logger: logger)
    let connection = engine.connection(for: providerName)
    let loaded = try await store.entities(EntitiesRequest(limit: 1)).entities
    let reuse = phases == ["reads"] && keepPath != nil && !loaded.isEmpty
    if !reuse {
        let initial = try await timed("engine: full mutation, initial") { try await connection.applyMutation(.full(entities)) }
        say("  added \(initial.added), rejected \(initial.rejected.count)")
        _ = try await timed("checkpoint (done in the background in production)") { await store.checkpoint() }
    }
    if phases.contains("reads") {
        try await ReadProfile(store: store, catalog: catalog).run()
    }
    if phases.contains("unchanged") {
        for _ in 0..<3 {
            let again = try await timed("engine: full mutation, unchanged") { try await connection.applyMutation(.full(entities)) }
            if again.unchanged != count { say("  unexpected: \(again)") }
        }
    }
    if phases.contains("onepct") {
        for revision in 1...3 {
            let changed = catalog.replacing(catalog.onePercent(), in: entities, revision: revision)
            let result = try await timed("engine: full mutation, 1% changed") { try await connection.applyMutation(.full(changed)) }
            if result.updated != count / 100 { say("  unexpected: \(result)") }
        }
    }
    if phases.contains("delta") {
        for revision in 1...5 {
            let added = (0..<100).map { catalog.deferred(revision * 100 + $0, revision: revision) }
            let result = try await timed("engine: delta, 100 modified") {
                try await connection.applyMutation(.delta(added: added, removed: []))
            }
            if result.updated != 100 { say("  unexpected: \(result)") }
        }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    say("  database size: \(size / 1_000_000) MB")
}
