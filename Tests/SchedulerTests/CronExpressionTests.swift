import Foundation
import Scheduler
import Testing

/// A UTC instant from `2024-01-06T12:00:00Z`.
func utc(_ text: String) -> Date {
    try! Date.ISO8601FormatStyle().parse(text)
}

/// The next `count` times of `expression` after `start`, as ISO strings.
func times(_ expression: String, after start: String, count: Int) throws -> [String] {
    let cron = try CronExpression(expression)
    var result: [String] = []
    var date = utc(start)
    for _ in 0..<count {
        guard let next = cron.next(after: date) else { break }
        result.append(next.formatted(Date.ISO8601FormatStyle()))
        date = next
    }
    return result
}

@Suite("Cron expressions")
struct CronExpressionTests {
    @Test func stepsInMinutes() throws {
        #expect(try times("*/15 * * * *", after: "2024-02-10T10:07:30Z", count: 4) == [
            "2024-02-10T10:15:00Z", "2024-02-10T10:30:00Z", "2024-02-10T10:45:00Z", "2024-02-10T11:00:00Z",
        ])
    }

    @Test func nextIsStrictlyAfter() throws {
        #expect(try times("0 * * * *", after: "2024-02-10T10:00:00Z", count: 1) == ["2024-02-10T11:00:00Z"])
        let cron = try CronExpression("* * * * *")
        #expect(cron.next(after: utc("2024-02-10T10:00:00Z").addingTimeInterval(0.5)) == utc("2024-02-10T10:01:00Z"))
    }

    @Test func rangeWithStepAndWeekdayNames() throws {
        // 2024-01-06 is a Saturday: the next run is Monday 09:00.
        #expect(try times("0 9-17/2 * * mon-fri", after: "2024-01-06T12:00:00Z", count: 6) == [
            "2024-01-08T09:00:00Z", "2024-01-08T11:00:00Z", "2024-01-08T13:00:00Z", "2024-01-08T15:00:00Z",
            "2024-01-08T17:00:00Z", "2024-01-09T09:00:00Z",
        ])
    }

    @Test func monthNamesAndLists() throws {
        #expect(try times("30 6 1 JAN,jul *", after: "2024-03-01T00:00:00Z", count: 3) == [
            "2024-07-01T06:30:00Z", "2025-01-01T06:30:00Z", "2025-07-01T06:30:00Z",
        ])
    }

    @Test func valueWithStepRunsToTheEndOfTheRange() throws {
        #expect(try times("50/5 10 * * *", after: "2024-02-10T00:00:00Z", count: 3) == [
            "2024-02-10T10:50:00Z", "2024-02-10T10:55:00Z", "2024-02-11T10:50:00Z",
        ])
    }

    @Test(arguments: ["0 0 * * 0", "0 0 * * 7", "0 0 * * sun", "0 0 * * SUN", "0 0 ? * 7", "@weekly"])
    func sundayIsZeroOrSeven(expression: String) throws {
        // 2024-01-06 is a Saturday.
        #expect(try times(expression, after: "2024-01-06T12:00:00Z", count: 2) == [
            "2024-01-07T00:00:00Z", "2024-01-14T00:00:00Z",
        ])
    }

    @Test func weekdayRangeEndingInSeven() throws {
        #expect(try times("0 0 * * 5-7", after: "2024-01-04T12:00:00Z", count: 4) == [
            "2024-01-05T00:00:00Z", "2024-01-06T00:00:00Z", "2024-01-07T00:00:00Z", "2024-01-12T00:00:00Z",
        ])
    }

    @Test func restrictedDayOfMonthAndWeekdayMatchEither() throws {
        // The 13th, or any Friday (Vixie cron): Fridays of Sept/Oct 2024 and Sunday Oct 13.
        #expect(try times("0 0 13 * 5", after: "2024-09-01T00:00:00Z", count: 8) == [
            "2024-09-06T00:00:00Z", "2024-09-13T00:00:00Z", "2024-09-20T00:00:00Z", "2024-09-27T00:00:00Z",
            "2024-10-04T00:00:00Z", "2024-10-11T00:00:00Z", "2024-10-13T00:00:00Z", "2024-10-18T00:00:00Z",
        ])
    }

    @Test func starredDayOfMonthWithWeekdayMatchesBoth() throws {
        // `*/10` starts with `*`, so both fields must match: days 1, 11, 21, 31 that are Mondays.
        #expect(try times("0 0 */10 * mon", after: "2023-12-31T00:00:00Z", count: 5) == [
            "2024-01-01T00:00:00Z", "2024-03-11T00:00:00Z", "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z",
            "2024-10-21T00:00:00Z",
        ])
    }

    @Test func monthEnds() throws {
        #expect(try times("0 0 31 * *", after: "2024-01-31T12:00:00Z", count: 3) == [
            "2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z", "2024-07-31T00:00:00Z",
        ])
        #expect(try times("0 0 29 2 *", after: "2023-03-01T00:00:00Z", count: 2) == [
            "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z",
        ])
        #expect(try times("0 0 L * *", after: "2023-01-31T12:00:00Z", count: 2) == [
            "2023-02-28T00:00:00Z", "2023-03-31T00:00:00Z",
        ])
        #expect(try times("0 0 L * *", after: "2024-01-31T12:00:00Z", count: 1) == ["2024-02-29T00:00:00Z"])
        #expect(try times("0 0 L-2 * *", after: "2024-02-01T00:00:00Z", count: 1) == ["2024-02-27T00:00:00Z"])
    }

    @Test func yearRollover() throws {
        #expect(try times("@yearly", after: "2024-12-31T23:59:59Z", count: 1) == ["2025-01-01T00:00:00Z"])
        #expect(try times("59 23 31 12 *", after: "2024-12-31T23:59:00Z", count: 1) == ["2025-12-31T23:59:00Z"])
    }

    @Test func sixFieldsHaveSecondsFirst() throws {
        #expect(try times("*/10 * * * * *", after: "2024-02-10T00:00:05Z", count: 3) == [
            "2024-02-10T00:00:10Z", "2024-02-10T00:00:20Z", "2024-02-10T00:00:30Z",
        ])
        #expect(try times("30 0 12 * * ?", after: "2024-02-10T12:00:30Z", count: 1) == ["2024-02-11T12:00:30Z"])
    }

    @Test func quartzExtensions() throws {
        // June 2024: the 15th is a Saturday (→ Friday 14th); September: a Sunday (→ Monday 16th).
        #expect(try times("0 0 15W 6,9 *", after: "2024-06-01T00:00:00Z", count: 2) == [
            "2024-06-14T00:00:00Z", "2024-09-16T00:00:00Z",
        ])
        // June 1st 2024 is a Saturday: 1W stays in June, on Monday the 3rd.
        #expect(try times("0 0 1W 6 *", after: "2024-05-01T00:00:00Z", count: 1) == ["2024-06-03T00:00:00Z"])
        // March 31st 2024 is a Sunday: the last weekday is Friday the 29th; August 31st a Saturday.
        #expect(try times("0 0 LW 3,8 *", after: "2024-03-01T00:00:00Z", count: 2) == [
            "2024-03-29T00:00:00Z", "2024-08-30T00:00:00Z",
        ])
        #expect(try times("0 0 * * 5L", after: "2024-01-01T00:00:00Z", count: 3) == [
            "2024-01-26T00:00:00Z", "2024-02-23T00:00:00Z", "2024-03-29T00:00:00Z",
        ])
        #expect(try times("0 0 * * mon#2", after: "2024-01-01T00:00:00Z", count: 3) == [
            "2024-01-08T00:00:00Z", "2024-02-12T00:00:00Z", "2024-03-11T00:00:00Z",
        ])
    }

    @Test func macros() throws {
        #expect(try times("@daily", after: "2024-02-10T10:00:00Z", count: 1) == ["2024-02-11T00:00:00Z"])
        #expect(try times("@hourly", after: "2024-02-10T10:00:00Z", count: 1) == ["2024-02-10T11:00:00Z"])
        #expect(try times("@monthly", after: "2024-02-10T10:00:00Z", count: 1) == ["2024-03-01T00:00:00Z"])
    }

    @Test(arguments: [
        ("* * * *", "expected 5 fields"),
        ("* * * * * * *", "expected 5 fields"),
        ("60 * * * *", "minute value 60 is out of range 0-59"),
        ("* 24 * * *", "hour value 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month value 0 is out of range 1-31"),
        ("* * 32 * *", "day-of-month value 32 is out of range 1-31"),
        ("* * * 13 *", "month value 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week value 8 is out of range 0-7"),
        ("* * * foo *", "month value 'foo' is not a number"),
        ("5-1 * * * *", "range '5-1' runs backwards"),
        ("*/0 * * * *", "step '0' is not a positive number"),
        ("1,,2 * * * *", "has an empty item"),
        ("1/2/3 * * * *", "more than one '/'"),
        ("0 0 30 2 *", "no month selected"),
        ("0 0 * * L", "'L' alone is not supported"),
        ("0 0 L#2 * *", "is not supported"),
        ("0 0 * * 1#6", "needs n#k with k in 1-5"),
    ])
    func invalidExpressions(expression: String, reason: String) {
        #expect {
            _ = try CronExpression(expression)
        } throws: { error in
            guard let error = error as? CronExpressionError else { return false }
            return error.expression == expression && error.reason.contains(reason)
                && error.description.hasPrefix("invalid cron expression '\(expression)': ")
        }
    }
}
