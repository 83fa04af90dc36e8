import Catalog
import Foundation
import Logging
import StoreSQLite
import Synchronization

/// Data shared by the benchmarks of one process (package-benchmark runs each benchmark in its own
/// process). Globals are initialised lazily, on first use, which every benchmark does before it
/// starts measuring.
enum Shared {
    /// `CALLBOARD_BENCH_SMOKE=1` (CI's smoke run, `Benchmarks/run smoke`) shrinks every size so the
    /// whole suite compiles and runs in seconds; its figures mean nothing.
    static let smoke = ProcessInfo.processInfo.environment["CALLBOARD_BENCH_SMOKE"] == "1"
    static let entityCount = smoke ? 1_000 : 100_000
    /// The size in benchmark names: `100k`, or `1k` in a smoke run.
    static let sizeLabel = "\(entityCount / 1_000)k"
    static let catalog = SyntheticCatalog(count: entityCount)
    /// The whole synthetic catalog at revision 0.
    static let entities: [DeferredEntity] = catalog.entities()
    static let providerName = "bench-provider"
}

/// A fresh directory under the system temp directory, removed by ``remove()``.
struct ScratchDirectory: Sendable {
    let url: URL

    /// Every directory created by this process, so that ``removeAll()`` can clean up after
    /// benchmarks whose catalog lives until the process ends.
    private static let created = Mutex<[URL]>([])

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("callboard-bench-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        Self.created.withLock { [url] in $0.append(url) }
    }

    /// Removes every scratch directory this process created.
    static func removeAll() {
        for url in created.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A catalog engine on a fresh on-disk SQLite store (WAL, as in production) in a scratch directory.
final class CatalogFixture: @unchecked Sendable {
    let scratch: ScratchDirectory
    private var engine: CatalogEngine?
    private let store: SQLiteCatalogStore

    init() throws {
        scratch = try ScratchDirectory()
        let store = try SQLiteCatalogStore(path: scratch.path("catalog.sqlite"))
        self.store = store
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let engine = CatalogEngine(store: store, logger: logger)
        self.engine = engine
    }

    /// The benchmark provider's connection.
    var connection: any EntityProviderConnection {
        guard let engine else { preconditionFailure("the fixture was closed") }
        return engine.connection(for: Shared.providerName)
    }

    /// A fixture already holding the whole synthetic catalog (loaded outside any measurement).
    static func loaded() async throws -> CatalogFixture {
        let fixture = try CatalogFixture()
        let result = try await fixture.connection.applyMutation(.full(Shared.entities))
        try expect(result, added: Shared.entityCount)
        // Steady state: the load's WAL is in the database file, as it is once the background
        // checkpoint that follows a load has finished.
        guard await fixture.store.checkpoint() else { throw UnexpectedResult(description: "the WAL could not be checkpointed") }
        return fixture
    }

    /// Closes the database (by dropping the last reference to the store) and deletes its files.
    func close() {
        engine = nil
        scratch.remove()
    }

    deinit { scratch.remove() }
}

struct UnexpectedResult: Error, CustomStringConvertible {
    var description: String
}

/// Fails the benchmark when a mutation did not do what it should have.
func expect(_ result: MutationResult, added: Int = 0, updated: Int = 0, removed: Int = 0, unchanged: Int = 0) throws {
    guard result.added == added, result.updated == updated, result.removed == removed,
          result.unchanged == unchanged, result.rejected.isEmpty, result.conflicts.isEmpty
    else {
        throw UnexpectedResult(description: """
            expected added \(added), updated \(updated), removed \(removed), unchanged \(unchanged); got added \
            \(result.added), updated \(result.updated), removed \(result.removed), unchanged \(result.unchanged), \
            rejected \(result.rejected.count) (first: \(result.rejected.first.map { "\($0)" } ?? "none")), \
            conflicts \(result.conflicts.count)
            """)
    }
}
