import Foundation

/// A cron expression, evaluated in UTC.
///
/// Supported syntax:
/// - five fields `minute hour day-of-month month day-of-week`, or six with `second` first;
///   the macros `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`;
/// - in every field: `*`, `?` (same as `*`), values, ranges `a-b`, lists `a,b`, steps `*/n`,
///   `a-b/n` and `a/n` (from a to the end of the range);
/// - month names `jan`…`dec` and weekday names `sun`…`sat`, case-insensitive; day-of-week 0 and
///   7 are both Sunday;
/// - Quartz extensions, with Unix weekday numbering: day-of-month `L` (last day), `L-n` (n days
///   before the last), `nW` (weekday nearest day n, within the month), `LW` (last weekday);
///   day-of-week `nL` (last such weekday of the month) and `n#k` (its k-th, k in 1-5).
///   A day-of-week `L` alone is rejected (Quartz numbers weekdays differently).
///
/// Day matching follows Vixie cron: when both day-of-month and day-of-week are restricted
/// (neither starts with `*` or `?`), a day matches if **either** matches; otherwise both must.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let source: String
    let seconds: UInt64
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: CronDaysOfMonth
    let months: UInt64
    let daysOfWeek: CronDaysOfWeek
    /// Vixie's DOM_STAR / DOW_STAR: the field starts with `*` or `?`.
    let daysOfMonthStar: Bool
    let daysOfWeekStar: Bool

    private static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses an expression; throws ``CronExpressionError`` naming the field and value at fault.
    public init(_ expression: String) throws(CronExpressionError) {
        source = expression
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        let text = Self.macros[trimmed.lowercased()] ?? trimmed
        var fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 || fields.count == 6 else {
            throw CronExpressionError(
                expression: expression,
                reason: "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), found \(fields.count)")
        }
        if fields.count == 5 { fields.insert("0", at: 0) }
        seconds = try CronField.second.bits(ofList: fields[0], in: expression)
        minutes = try CronField.minute.bits(ofList: fields[1], in: expression)
        hours = try CronField.hour.bits(ofList: fields[2], in: expression)
        daysOfMonth = try CronDaysOfMonth(fields[3], in: expression)
        months = try CronField.month.bits(ofList: fields[4], in: expression)
        daysOfWeek = try CronDaysOfWeek(fields[5], in: expression)
        daysOfMonthStar = fields[3].first == "*" || fields[3].first == "?"
        daysOfWeekStar = fields[5].first == "*" || fields[5].first == "?"
        if !daysOfMonthStar, daysOfMonth.days != 0, daysOfMonth.fromLastDay.isEmpty,
            daysOfMonth.nearestWeekday.isEmpty, !daysOfMonth.lastWeekday, daysOfWeekStar,
            !Self.someMonthHasDay(days: daysOfMonth.days, months: months)
        {
            throw CronExpressionError(expression: expression, reason: "no month selected has the day(s) of month given")
        }
    }

    /// Rejects `0 0 30 2 *` and the like, which would never fire.
    private static func someMonthHasDay(days: UInt64, months: UInt64) -> Bool {
        guard let firstDay = nextBit(days, from: 1) else { return false }
        return (1...12).contains { month in
            months & (1 << UInt64(month)) != 0 && firstDay <= CivilTime.daysInMonth(year: 2000, month: month)
        }
    }

    public var description: String { source }

    /// The first matching time strictly after `date` (whole seconds, UTC), or nil when there is
    /// none within the next 30 years.
    public func next(after date: Date) -> Date? {
        let start = Int(date.timeIntervalSince1970.rounded(.down)) + 1
        let startDays = Int((Double(start) / 86_400).rounded(.down))
        var (year, month, day) = CivilTime.date(days: startDays)
        let secondOfDay = start - startDays * 86_400
        var hour = secondOfDay / 3600
        var minute = secondOfDay % 3600 / 60
        var second = secondOfDay % 60
        let lastYear = year + 30

        func nextMonth() {
            month += 1
            if month > 12 { month = 1; year += 1 }
            day = 1; hour = 0; minute = 0; second = 0
        }
        func nextDay() {
            day += 1
            hour = 0; minute = 0; second = 0
            if day > CivilTime.daysInMonth(year: year, month: month) { nextMonth() }
        }

        while year <= lastYear {
            guard months & (1 << UInt64(month)) != 0 else { nextMonth(); continue }
            let daysInMonth = CivilTime.daysInMonth(year: year, month: month)
            guard matchesDay(year: year, month: month, day: day, daysInMonth: daysInMonth) else { nextDay(); continue }
            guard let matchingHour = nextBit(hours, from: hour) else { nextDay(); continue }
            if matchingHour != hour { hour = matchingHour; minute = 0; second = 0 }
            guard let matchingMinute = nextBit(minutes, from: minute) else {
                if hour == 23 { nextDay() } else { hour += 1; minute = 0; second = 0 }
                continue
            }
            if matchingMinute != minute { minute = matchingMinute; second = 0 }
            guard let matchingSecond = nextBit(seconds, from: second) else {
                if minute == 59 {
                    if hour == 23 { nextDay() } else { hour += 1; minute = 0; second = 0 }
                } else {
                    minute += 1; second = 0
                }
                continue
            }
            second = matchingSecond
            let days = CivilTime.days(year: year, month: month, day: day)
            return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
        }
        return nil
    }

    func matchesDay(year: Int, month: Int, day: Int, daysInMonth: Int) -> Bool {
        let dayOfMonth = daysOfMonth.matches(year: year, month: month, day: day, daysInMonth: daysInMonth)
        let weekday = CivilTime.weekday(year: year, month: month, day: day)
        let dayOfWeek = daysOfWeek.matches(weekday: weekday, day: day, daysInMonth: daysInMonth)
        return daysOfMonthStar || daysOfWeekStar ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek
    }

    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool { lhs.source == rhs.source }
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
