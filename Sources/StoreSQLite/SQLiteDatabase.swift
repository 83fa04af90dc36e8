import Foundation
import GRDB

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
        var configuration = Configuration()
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
            writer = try DatabasePool(path: path, configuration: configuration)
        } else {
            writer = try DatabaseQueue(configuration: configuration)
        }
        try migrator.migrate(writer)
        return writer
    }

    /// An ISO-8601 UTC timestamp with milliseconds; such strings sort in time order.
    static func timestamp(_ date: Date = .now) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
