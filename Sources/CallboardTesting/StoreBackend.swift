import Foundation

/// The database backends the store conformance suites run on.
public enum StoreBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    /// SQLite always; PostgreSQL when ``TestPostgresAvailability/isEnabled``.
    public static let available: [StoreBackend] = TestPostgresAvailability.isEnabled ? [.sqlite, .postgres] : [.sqlite]

    public var description: String { rawValue }
}

/// Whether the PostgreSQL variants of the tests run.
///
/// They run when `CALLBOARD_TEST_POSTGRES_URL` is set or the PostgreSQL binaries are installed.
/// Otherwise they are skipped with a notice on standard error, unless
/// `CALLBOARD_REQUIRE_POSTGRES=1` (as CI sets it): then they run anyway and fail, so that a
/// missing PostgreSQL can never pass silently.
public enum TestPostgresAvailability {
    public static let isEnabled: Bool = {
        let environment = ProcessInfo.processInfo.environment
        let required = environment["CALLBOARD_REQUIRE_POSTGRES"] == "1"
        let url = environment["CALLBOARD_TEST_POSTGRES_URL"].map { !$0.isEmpty } ?? false
        if required || url || PostgresServerProcess.locateBinaries() != nil { return true }
        FileHandle.standardError.write(Data("""
            NOTICE: PostgreSQL tests skipped: no PostgreSQL binaries (initdb, pg_ctl) found and \
            CALLBOARD_TEST_POSTGRES_URL is not set. Install PostgreSQL or set CALLBOARD_TEST_POSTGRES_URL; \
            CALLBOARD_REQUIRE_POSTGRES=1 turns this skip into a failure.

            """.utf8))
        return false
    }()
}
