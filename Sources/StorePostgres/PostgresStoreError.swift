import PostgresNIO

/// Errors of the PostgreSQL stores: a stable code and a message without SQL or secrets.
public struct PostgresStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code.
    public var code: String
    /// A human-readable message that never contains SQL, connection strings or passwords.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension PostgresStoreError {
    /// Wraps a driver error: keeps its SQLSTATE (or the driver's code) and drops the rest, which
    /// may hold SQL or bound values.
    static func wrapping(_ error: any Error, code: String, message: String) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState].map { "SQLSTATE \($0)" } ?? "\(error.code)"
            return PostgresStoreError(code: code, message: "\(message) (\(state))")
        }
        return PostgresStoreError(code: code, message: "\(message) (\(type(of: error)))")
    }
}

/// Runs one store operation: errors of the driver become a ``PostgresStoreError`` with `code`
/// and "cannot `what`" (never SQL or values); any other error (a provider's stream failing,
/// cancellation) passes through as it was thrown.
func storeOperation<T: Sendable>(_ code: String, _ what: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as PSQLError {
        throw PostgresStoreError.wrapping(error, code: code, message: "cannot \(what)")
    } catch let error as PostgresDecodingError {
        throw PostgresStoreError.wrapping(error, code: code, message: "cannot \(what)")
    } catch let error as PostgresTransactionError {
        throw PostgresStoreError.wrapping(error, code: code, message: "cannot \(what)")
    }
}
