/// The day-of-month field: plain days plus the Quartz extensions `L`, `L-n`, `nW` and `LW`.
struct CronDaysOfMonth: Sendable, Hashable {
    /// Plain days, bits 1...31.
    var days: UInt64 = 0
    /// `L` (0) and `L-n` (n): that many days before the month's last day.
    var fromLastDay: Set<Int> = []
    /// `nW`: the weekday (Monday–Friday) nearest to day n, within the month.
    var nearestWeekday: Set<Int> = []
    /// `LW`: the month's last weekday.
    var lastWeekday = false

    init(_ text: Substring, in expression: String) throws(CronExpressionError) {
        let field = CronField.dayOfMonth
        for item in try CronField.items(of: text, field: field, in: expression) {
            let upper = item.uppercased()
            if upper == "L" {
                fromLastDay.insert(0)
            } else if upper == "LW" {
                lastWeekday = true
            } else if upper.hasPrefix("L-") {
                guard let offset = Int(upper.dropFirst(2)), (0...30).contains(offset) else {
                    throw CronExpressionError(expression: expression, reason: "day-of-month item '\(item)' needs L-n with n in 0-30")
                }
                fromLastDay.insert(offset)
            } else if upper.hasSuffix("W") {
                nearestWeekday.insert(try field.value(item.dropLast(), in: expression))
            } else if upper.contains("L") || upper.contains("#") {
                throw CronExpressionError(
                    expression: expression, reason: "day-of-month item '\(item)' is not supported (use L, L-n, nW or LW)")
            } else {
                days |= try field.bits(ofItem: item, in: expression)
            }
        }
    }

    func matches(year: Int, month: Int, day: Int, daysInMonth: Int) -> Bool {
        if days & (1 << UInt64(day)) != 0 { return true }
        if fromLastDay.contains(daysInMonth - day) { return true }
        if lastWeekday, day == Self.lastWeekday(year: year, month: month, daysInMonth: daysInMonth) { return true }
        for target in nearestWeekday
        where day == Self.nearestWeekday(to: target, year: year, month: month, daysInMonth: daysInMonth) {
            return true
        }
        return false
    }

    static func lastWeekday(year: Int, month: Int, daysInMonth: Int) -> Int {
        switch CivilTime.weekday(year: year, month: month, day: daysInMonth) {
        case 6: return daysInMonth - 1
        case 0: return daysInMonth - 2
        default: return daysInMonth
        }
    }

    /// Quartz's rule: a Saturday moves to Friday, a Sunday to Monday, never across the month's
    /// edges (the 1st on a Saturday moves to Monday the 3rd). A day past the month's end never
    /// matches.
    static func nearestWeekday(to target: Int, year: Int, month: Int, daysInMonth: Int) -> Int? {
        guard target <= daysInMonth else { return nil }
        switch CivilTime.weekday(year: year, month: month, day: target) {
        case 6: return target == 1 ? 3 : target - 1
        case 0: return target == daysInMonth ? target - 2 : target + 1
        default: return target
        }
    }
}

/// The day-of-week field (0 or 7 = Sunday): plain weekdays plus the Quartz extensions `nL`
/// (the month's last such weekday) and `n#k` (its k-th, k in 1-5), with Unix numbering.
struct CronDaysOfWeek: Sendable, Hashable {
    /// Plain weekdays, bits 0...6.
    var weekdays: UInt64 = 0
    /// `nL`: weekdays whose last occurrence in the month matches.
    var lastInMonth: Set<Int> = []
    /// `n#k`, stored as `weekday * 10 + k`.
    var nthInMonth: Set<Int> = []

    init(_ text: Substring, in expression: String) throws(CronExpressionError) {
        let field = CronField.dayOfWeek
        for item in try CronField.items(of: text, field: field, in: expression) {
            let upper = item.uppercased()
            if let hash = item.firstIndex(of: "#") {
                let weekday = try field.value(item[..<hash], in: expression) % 7
                guard let nth = Int(item[item.index(after: hash)...]), (1...5).contains(nth) else {
                    throw CronExpressionError(expression: expression, reason: "day-of-week item '\(item)' needs n#k with k in 1-5")
                }
                nthInMonth.insert(weekday * 10 + nth)
            } else if upper == "L" {
                throw CronExpressionError(
                    expression: expression,
                    reason: "day-of-week 'L' alone is not supported (use nL, e.g. 5L for the month's last Friday)")
            } else if upper.hasSuffix("L") {
                lastInMonth.insert(try field.value(item.dropLast(), in: expression) % 7)
            } else {
                weekdays |= try field.bits(ofItem: item, in: expression)
            }
        }
        if weekdays & (1 << 7) != 0 { weekdays = (weekdays | 1) & ~(1 << 7) }
    }

    func matches(weekday: Int, day: Int, daysInMonth: Int) -> Bool {
        if weekdays & (1 << UInt64(weekday)) != 0 { return true }
        if lastInMonth.contains(weekday), day + 7 > daysInMonth { return true }
        return nthInMonth.contains(weekday * 10 + (day - 1) / 7 + 1)
    }
}
