import Events
import Foundation
import GRDB
@testable import StorePostgres
@testable import StoreSQLite

extension EventsHarness {
    /// Moves the receive time of the events at `positions` back by `seconds`, as if they had
    /// arrived that much earlier.
    func backdate(positions: ClosedRange<Int64>, by seconds: Int) async throws {
        switch log {
        case let log as SQLiteEventLog:
            let rows = try await log.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT position, received_at FROM events WHERE position BETWEEN ? AND ?",
                                 arguments: [positions.lowerBound, positions.upperBound])
                    .map { ($0[0] as Int64, $0[1] as String) }
            }
            try await log.writer.write { db in
                for (position, receivedAt) in rows {
                    let date = try Date(receivedAt, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                    try db.execute(sql: "UPDATE events SET received_at = ? WHERE position = ?", arguments: [
                        SQLiteDatabase.timestamp(date.addingTimeInterval(-Double(seconds))), position,
                    ])
                }
            }
        case let log as PostgresEventLog:
            _ = try await log.database.rows("""
                UPDATE events SET received_at = received_at - make_interval(secs => \(Double(seconds)))
                WHERE position BETWEEN \(positions.lowerBound) AND \(positions.upperBound)
                """)
        default:
            throw UnknownLog()
        }
    }

    struct UnknownLog: Error {}
}
