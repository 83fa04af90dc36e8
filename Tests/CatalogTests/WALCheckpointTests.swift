import CallboardTesting
import Catalog
import Dispatch
import Foundation
import GRDB
import Synchronization
@testable import StoreSQLite
import Testing

/// Commits that grow the WAL past the threshold are checkpointed in the background: the data
/// reaches the database file without any writer running the checkpoint.
@Suite struct WALCheckpointTests {
    @Test func aLargeCommitIsCheckpointedIntoTheDatabaseFile() async throws {
        let catalog = try CatalogHarness()
        defer { catalog.cleanUp() }
        let path = catalog.directory.appendingPathComponent("catalog.sqlite").path
        let entities = (0..<3000).map { EntityFactory.component("svc-\($0)", title: String(repeating: "t", count: 200)) }
        try await catalog.provider("p").applyMutation(.full(EntityFactory.deferred(entities)))
        func size(_ file: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
        #expect(try await eventually { size(path) > 4_000_000 })
        #expect(await try #require(catalog.sqliteStore).checkpoint())
        #expect(size(path + "-wal") == 0)
    }

    /// Readers that never pause keep a WAL from restarting on its own; past its restart size
    /// the checkpointer restarts it anyway, so the file stays bounded under steady reads.
    @Test(arguments: [(WALCheckpointer.defaultRestartPages, false), (Int32(200), true)])
    func underSteadyReadsTheWALIsRestartedPastItsLimit(restartPages: Int32, bounded: Bool) async throws {
        let (directory, path) = try CatalogHarness.temporaryCatalogPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpointer = WALCheckpointer(path: path, restartPages: restartPages)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("t") { db in try db.execute(sql: "CREATE TABLE t (x BLOB)") }
        let writer = try SQLiteDatabase.open(path: path, pragmas: "PRAGMA synchronous = NORMAL", migrator: migrator,
                                             checkpointer: checkpointer)
        let stop = StopFlag()
        // Two readers that hand over: each ends its read only once the other has started a new
        // one, so at every moment a reader holds a snapshot (a WAL never finds a quiet moment).
        let turns = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let releases = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        // The waits run on the pool's reader threads, not on the tasks' (cooperative) threads.
        let readers = (0..<2).map { index in
            Task {
                var first = index == 0
                while !stop.value.load(ordering: .relaxed) {
                    let releasesPrevious = !first
                    try await writer.read { db in
                        turns[index].wait()
                        if stop.value.load(ordering: .relaxed) { return }
                        _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM t")
                        if releasesPrevious { releases[1 - index].signal() }
                        turns[1 - index].signal()
                        releases[index].wait()
                    }
                    first = false
                }
            }
        }
        turns[0].signal()
        var largestWAL = 0
        for _ in 0..<1_500 {
            try await writer.write { db in
                try db.execute(sql: "INSERT INTO t VALUES (randomblob(6000))")
            }
            largestWAL = max(largestWAL, Self.size(path + "-wal"))
        }
        stop.value.store(true, ordering: .relaxed)
        for semaphore in turns + releases + turns + releases { semaphore.signal() }
        for reader in readers { try await reader.value }
        // 1,500 commits of two pages or more are over 12 MB of WAL when it never restarts.
        #expect((largestWAL < 10_000_000) == bounded, "largest WAL \(largestWAL) bytes")
        try (writer as? DatabasePool)?.close()
    }

    final class StopFlag: Sendable {
        let value = Atomic(false)
    }

    static func size(_ file: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0 }
}
