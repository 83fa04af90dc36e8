import Foundation
import CSQLiteSettings
import GRDB
import GRDBSQLite

/// Opening a Callboard SQLite database: a WAL pool on a file (one writer, concurrent readers) or
/// a queue in memory, with per-connection pragmas, migrated to the latest schema.
enum SQLiteDatabase {
    /// - Parameters:
    ///   - path: the database file, created if missing; nil for an in-memory database.
    ///   - pragmas: SQL run on every new connection (`PRAGMA synchronous = FULL`, …).
    ///   - migrator: the database's migrations.
    ///   - checkpointer: takes over WAL checkpoints from the writer connection (see
    ///     ``WALCheckpointer``); the caller keeps it alive as long as the database.
    static func open(path: String?, pragmas: String, migrator: DatabaseMigrator,
                     checkpointer: WALCheckpointer? = nil) throws -> any DatabaseWriter {
        _ = processSettings
        var configuration = Configuration()
        // A restarting checkpoint (`WALCheckpointer`) holds writers up for a moment: wait for it.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: pragmas)
            if let checkpointer, !db.configuration.readonly, let connection = db.sqliteConnection {
                // A WAL left large after a big transaction is truncated when it restarts.
                try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
                checkpointer.install(on: connection)
            }
        }
        let writer: any DatabaseWriter
        if let path {
            configuration.maximumReaderCount = 8
            let pool = try DatabasePool(path: path, configuration: configuration)
            // The pool sets `synchronous = NORMAL` on its writer after `prepareDatabase` (WAL's
            // usual setting); apply the caller's pragmas again so that theirs win (the event log
            // asks for FULL).
            try pool.writeWithoutTransaction { db in try db.execute(sql: pragmas) }
            writer = pool
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        try migrator.migrate(writer)
        return writer
    }

    /// Process-wide SQLite settings, applied once before the first connection opens: memory
    /// statistics off (Debian's SQLite counts every allocation under a global mutex: 5 % of the
    /// writer's time in an initial load of 100,000 entities). Nothing depends on them: if another
    /// library initialised SQLite first, the setting is skipped and everything works as before.
    private static let processSettings: Void = {
        _ = callboard_sqlite_disable_memory_status()
    }()

    /// Creates the database file at `path` with `pageSize`-byte pages, in WAL mode, unless it
    /// exists already (a page size is fixed once a database has content). Larger pages suit
    /// tables of kilobyte rows: two 2.3 KB catalog rows do not fit in a 4 KB page.
    static func createIfMissing(path: String, pageSize: Int) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        _ = processSettings
        var handle: OpaquePointer?
        defer { sqlite3_close_v2(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK,
            sqlite3_exec(handle, "PRAGMA page_size = \(pageSize); PRAGMA journal_mode = WAL", nil, nil, nil) == SQLITE_OK
        else {
            throw DatabaseError(message: "cannot create \(path): \(handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")")
        }
    }

    /// An ISO-8601 UTC timestamp with milliseconds; such strings sort in time order.
    static func timestamp(_ date: Date = .now) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
