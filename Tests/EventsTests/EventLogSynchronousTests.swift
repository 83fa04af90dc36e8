import Foundation
import GRDB
@testable import StoreSQLite
import Testing

/// "202 = committed and flushed": the event log's writer runs with `synchronous = FULL`, which
/// GRDB's pool would otherwise lower to NORMAL when it turns WAL on.
@Suite struct EventLogSynchronousTests {
    @Test func theEventLogWriterFlushesEveryCommit() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try SQLiteEventLog(path: directory.appendingPathComponent("events.sqlite").path)
        let level = try await log.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 2)  // FULL
        let catalog = try SQLiteCatalogStore(path: directory.appendingPathComponent("catalog.sqlite").path)
        let catalogLevel = try await catalog.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(catalogLevel == 1)  // NORMAL: the catalog can be rebuilt by its providers
    }
}
