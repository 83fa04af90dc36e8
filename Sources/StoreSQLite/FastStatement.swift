import GRDB
import GRDBSQLite

/// Binds and runs a cached GRDB statement through SQLite's C API directly, for the hot inserts of
/// large mutations (hundreds of thousands of rows in one transaction), where building
/// `StatementArguments` for every row costs more than SQLite's own work.
///
/// Use only inside the `Database` access the statement came from, on the writer's thread.
struct FastStatement {
    let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        self.statement = try db.cachedStatement(sql: sql)
    }

    /// SQLite copies bound values (`SQLITE_TRANSIENT`), so the Swift buffers may go away at once.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// One value to bind.
    enum Value {
        case int(Int64)
        case text(String)
        case blob([UInt8])
        case emptyBlob
        case null
    }

    /// Binds `values` to parameters 1… and steps the statement once.
    func run(_ values: Value...) throws {
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
        try step()
    }

    /// `run(_:)` for four values without the variadic argument's array: one heap
    /// allocation less per row on the hottest statements (2.8 million filter index rows and
    /// 800,000 relations in a 100,000-entity load).
    func run4(_ first: Value, _ second: Value, _ third: Value, _ fourth: Value) throws {
        sqlite3_reset(handle)
        try bind(first, at: 1)
        try bind(second, at: 2)
        try bind(third, at: 3)
        try bind(fourth, at: 4)
        try step()
    }

    private func bind(_ value: Value, at index: Int32) throws {
        let statement = handle
        let code: Int32
        switch value {
        case .int(let number):
            code = sqlite3_bind_int64(statement, index, number)
        case .text(var text):
            code = text.withUTF8 { buffer -> Int32 in
                guard let base = buffer.baseAddress, !buffer.isEmpty else {
                    return sqlite3_bind_text(statement, index, "", 0, Self.transient)
                }
                return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    sqlite3_bind_text(statement, index, pointer, Int32(buffer.count), Self.transient)
                }
            }
        case .blob(let bytes):
            code = bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob(statement, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                  Int32(buffer.count), Self.transient)
            }
        case .emptyBlob:
            code = sqlite3_bind_zeroblob(statement, index, 0)
        case .null:
            code = sqlite3_bind_null(statement, index)
        }
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func step() throws {
        let statement = handle
        let result = sqlite3_step(statement)
        guard result == SQLITE_DONE || result == SQLITE_ROW else { throw failure(result) }
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code),
                      message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
    }
}

extension FastStatement.Value {
    /// Text, or SQL NULL for nil.
    static func optionalText(_ text: String?) -> FastStatement.Value {
        text.map { .text($0) } ?? .null
    }
}
