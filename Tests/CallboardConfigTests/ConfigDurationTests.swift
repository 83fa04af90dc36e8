import CallboardConfig
import CatalogModel
import Testing

@Suite("Durations")
struct ConfigDurationTests {
    static let goodStrings: [(String, Duration)] = [
        // short strings
        ("30m", Duration.seconds(1800)),
        ("200ms", .milliseconds(200)),
        ("7d", .seconds(7 * 86_400)),
        ("1h30m", .seconds(5400)),
        ("1h 30m", .seconds(5400)),
        ("10s", .seconds(10)),
        ("2w", .seconds(14 * 86_400)),
        ("1.5h", .seconds(5400)),
        ("2 hours", .seconds(7200)),
        ("1 minute", .seconds(60)),
        ("1y", .seconds(365 * 86_400)),
        ("0", .zero),
        ("0s", .zero),
        ("1M", .seconds(60)),
        // ISO-8601
        ("PT30M", .seconds(1800)),
        ("P1DT2H", .seconds(86_400 + 7200)),
        ("PT0.5S", .milliseconds(500)),
        ("PT0,25S", .milliseconds(250)),
        ("P2W", .seconds(14 * 86_400)),
        ("P1M", .seconds(30 * 86_400)),
        ("P1Y", .seconds(365 * 86_400)),
        ("pt1h", .seconds(3600)),
        ("PT1H30M15S", .seconds(5415)),
    ]

    @Test(arguments: goodStrings)
    func parsesStrings(text: String, expected: Duration) throws {
        #expect(ConfigDuration.parse(text) == expected)
        #expect(try ConfigReader(["d": .string(text)]).duration("d") == expected)
    }

    @Test(arguments: ["", "30", "1000", "abc", "30 parsecs", "P", "PT", "P1DT", "-5m", "PT-5M", "1h-30m", "h", "1e3s", "999999y"])
    func rejectsStrings(text: String) throws {
        #expect(ConfigDuration.parse(text) == nil)
        let error = configError { try ConfigReader(["backend": ["shutdownGrace": .string(text)]]).object("backend").duration("shutdownGrace") }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.hasPrefix("backend.shutdownGrace: expected a duration such as 30s") == true, "\(error?.message ?? "")")
    }

    static let goodObjects: [(JSONValue, Duration)] = [
        (["minutes": 30], .seconds(1800)),
        (["hours": 1, "minutes": 30], .seconds(5400)),
        (["days": 1, "seconds": 1, "milliseconds": 5], .milliseconds(86_401_005)),
        (["weeks": 1], .seconds(7 * 86_400)),
        (["months": 1], .seconds(30 * 86_400)),
        (["years": 1], .seconds(365 * 86_400)),
        (["seconds": 0.5], .milliseconds(500)),
        (["minutes": "5"], .seconds(300)),
        (["minutes": 0], .zero),
    ]

    @Test(arguments: goodObjects)
    func parsesHumanDurations(value: JSONValue, expected: Duration) throws {
        #expect(try ConfigDuration.parse(value, keyPath: "x") == expected)
    }

    static let badObjects: [(JSONValue, ConfigError.Code, String)] = [
        (["minute": 30], .unknownKey, "x.minute: unknown key (expected one of: days, hours, milliseconds, minutes, months, seconds, weeks, years)"),
        (.object([:]), .invalidValue, "x: expected a duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got an object"),
        (["minutes": -1], .invalidValue, "x.minutes: expected a number of minutes that is not negative, got -1"),
        (["minutes": "soon"], .invalidValue, "x.minutes: expected a number, got 'soon'"),
        (["years": 1000], .invalidValue, "x: duration is longer than 100 years"),
        (30, .invalidValue, "x: expected a duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got 30"),
        (true, .invalidValue, "x: expected a duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got true"),
    ]

    @Test(arguments: badObjects)
    func rejectsBadHumanDurations(value: JSONValue, code: ConfigError.Code, message: String) throws {
        let error = configError { try ConfigDuration.parse(value, keyPath: "x") }
        #expect(error?.code == code)
        #expect(error?.message == message)
    }

    @Test func zeroCanBeRefused() throws {
        let reader = ConfigReader(["d": "0s"], path: "a")
        #expect(try reader.duration("d") == .zero)
        let error = configError { try reader.duration("d", allowZero: false) }
        #expect(error?.message == "a.d: expected a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got '0s'")
    }
}

@Suite("Schedule frequencies and schedules")
struct ScheduleTests {
    static let good: [(JSONValue, ScheduleFrequency)] = [
        (["minutes": 30], .every(.seconds(1800))),
        ("PT5M", .every(.seconds(300))),
        ("10s", .every(.seconds(10))),
        (["cron": "*/5 * * * *"], .cron("*/5 * * * *")),
        (["cron": "0 0 9-17 * * MON-FRI"], .cron("0 0 9-17 * * MON-FRI")),
        (["cron": "0,30 8 1 jan,jul *"], .cron("0,30 8 1 jan,jul *")),
        (["cron": "0 12 L * ?"], .cron("0 12 L * ?")),
        (["trigger": "manual"], .manual),
    ]

    @Test(arguments: good)
    func parses(value: JSONValue, expected: ScheduleFrequency) throws {
        #expect(try ConfigReader(["frequency": value]).scheduleFrequency("frequency") == expected)
    }

    static let bad: [(JSONValue, String)] = [
        (["cron": "* * * *"], "f.cron: a cron expression needs 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), found 4"),
        (["cron": "61 * * * *"], "f.cron: cron field minute '61' is not valid (expected values in 0-59, *, ranges a-b, lists a,b or steps */n)"),
        (["cron": "* * * 13 *"], "f.cron: cron field month '13' is not valid (expected values in 1-12, *, ranges a-b, lists a,b or steps */n)"),
        (["cron": "*/0 * * * *"], "f.cron: cron field minute '*/0' is not valid (expected values in 0-59, *, ranges a-b, lists a,b or steps */n)"),
        (["cron": "* * * * * * *"], "f.cron: a cron expression needs 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), found 7"),
        (["cron": "* * * * *", "minutes": 5], "f.minutes: unknown key (expected one of: cron)"),
        (["trigger": "later"], "f.trigger: expected one of manual, got 'later'"),
        (["every": 5], "f.every: unknown key (expected one of: cron, days, hours, milliseconds, minutes, months, seconds, trigger, weeks, years)"),
        ("0s", "f: expected a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got '0s'"),
    ]

    @Test(arguments: bad)
    func rejects(value: JSONValue, message: String) throws {
        let error = configError { try ConfigReader(["f": value]).scheduleFrequency("f") }
        #expect(error?.message == message)
    }

    @Test func readsASchedule() throws {
        let root = try parseYAML(
            """
            schedule: { frequency: { minutes: 30 }, timeout: { minutes: 3 }, initialDelay: { seconds: 5 } }
            local: { frequency: { cron: '0 * * * *' }, timeout: PT1M, scope: local }
            """
        )
        let reader = ConfigReader(root, path: "catalog.providers.frobs.production")
        #expect(
            try reader.schedule("schedule")
                == ScheduleConfig(frequency: .every(.seconds(1800)), timeout: .seconds(180), initialDelay: .seconds(5))
        )
        #expect(
            try reader.schedule("local")
                == ScheduleConfig(frequency: .cron("0 * * * *"), timeout: .seconds(60), scope: .local)
        )
    }

    static let badSchedules: [(String, String)] = [
        ("{ frequency: 30m }", "p.schedule.timeout: missing required value (expected a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 })"),
        ("{ timeout: 1m }", "p.schedule.frequency: missing required value (expected a duration or { cron: '…' })"),
        ("{ frequency: 30m, timeout: 1m, scope: everywhere }", "p.schedule.scope: expected one of global, local, got 'everywhere'"),
        ("{ frequency: 30m, timeout: 1m, jitter: 5s }", "p.schedule.jitter: unknown key (expected one of: frequency, initialDelay, scope, timeout)"),
        ("30m", "p.schedule: expected an object, got '30m'"),
    ]

    @Test(arguments: badSchedules)
    func rejectsSchedules(yaml: String, message: String) throws {
        let reader = ConfigReader(try parseYAML("schedule: \(yaml)"), path: "p")
        let error = configError { try reader.schedule("schedule") }
        #expect(error?.message == message)
    }
}

@Suite("Byte sizes")
struct ByteSizeTests {
    static let good: [(JSONValue, Int)] = [
        (1_048_576, 1_048_576),
        ("1048576", 1_048_576),
        ("2GiB", 2 * 1024 * 1024 * 1024),
        ("5MiB", 5 * 1024 * 1024),
        ("5 MiB", 5 * 1024 * 1024),
        ("5mb", 5 * 1024 * 1024),
        ("512KiB", 512 * 1024),
        ("512k", 512 * 1024),
        ("1.5GiB", 1_610_612_736),
        ("100B", 100),
        ("1TiB", 1024 * 1024 * 1024 * 1024),
        (.double(2048), 2048),
    ]

    @Test(arguments: good)
    func parses(value: JSONValue, expected: Int) throws {
        #expect(try ConfigReader(["size": value]).byteSize("size") == expected)
    }

    static let bad: [JSONValue] = ["5 parsecs", "MiB", "-5MiB", -1, 1.5, true, "99999999PiB"]

    @Test(arguments: bad)
    func rejects(value: JSONValue) throws {
        let error = configError { try ConfigReader(["size": value], path: "events.retention").byteSize("size") }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.hasPrefix("events.retention.size: expected a byte size such as 1048576, 512KiB, 5MiB or 2GiB, got ") == true)
    }
}
