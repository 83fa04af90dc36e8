import Foundation

/// Times as the database task stores keep them: integer milliseconds since 1970 (UTC), rounded
/// down, so that the lease conditions compare numbers exactly.
public enum TaskStoreTime {
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public static func milliseconds(_ date: Date?) -> Int64? {
        date.map { milliseconds($0) }
    }

    public static func date(_ milliseconds: Int64?) -> Date? {
        milliseconds.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) }
    }
}
