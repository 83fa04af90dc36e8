import CatalogModel
import Foundation

/// Parsing of configuration durations into `Swift.Duration`.
///
/// Three forms are accepted, as in Backstage:
/// - a HumanDuration object: `{ minutes: 30 }`, `{ hours: 1, minutes: 30 }` with the keys
///   `years`, `months`, `weeks`, `days`, `hours`, `minutes`, `seconds`, `milliseconds`
///   (a year counts 365 days and a month 30 days, as Backstage's luxon does);
/// - an ISO-8601 duration: `PT30M`, `P1DT2H`, `PT0.5S`, `P2W`;
/// - a short string: `30m`, `200ms`, `7d`, `1h30m`, `10s`, `2w`, `1.5h`, `2 hours`
///   (units `ms`, `s`, `m`, `h`, `d`, `w`, `y` and their long spellings).
///
/// A bare number has no unit and is rejected, except `0`. Durations are limited to 100 years.
public enum ConfigDuration {
    /// The keys of a HumanDuration object.
    public static let humanDurationKeys: [String] = [
        "years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds",
    ]

    /// What the error messages say is expected.
    public static let expectation = "a duration such as 30s, 1h30m, PT30M or { minutes: 30 }"

    /// Parses an ISO-8601 or short-string duration; nil when `text` is neither.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return .zero }
        if let first = trimmed.first, first == "P" || first == "p" {
            return parseISO8601(trimmed)
        }
        return parseShort(trimmed)
    }

    /// Parses a duration from a configuration value (string or HumanDuration object).
    ///
    /// - Parameter keyPath: the full key, for error messages.
    public static func parse(_ value: JSONValue, keyPath: String) throws(ConfigError) -> Duration {
        try ConfigReader(value, path: keyPath).asDuration()
    }

    /// A short form of `duration` that ``parse(_:)`` reads back: `1h30m`, `200ms`, `7d`, `0s`.
    /// Sub-millisecond parts are dropped.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return "\(duration)" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        let milliseconds = attoseconds / 1_000_000_000_000_000
        if milliseconds > 0 { text += "\(milliseconds)ms" }
        return text.isEmpty ? "0s" : text
    }

    // MARK: - Internal

    static let nanosecondsPerUnit: [String: Int64] = [
        "milliseconds": 1_000_000,
        "seconds": 1_000_000_000,
        "minutes": 60 * 1_000_000_000,
        "hours": 3_600 * 1_000_000_000,
        "days": 86_400 * 1_000_000_000,
        "weeks": 7 * 86_400 * 1_000_000_000,
        "months": 30 * 86_400 * 1_000_000_000,
        "years": 365 * 86_400 * 1_000_000_000,
    ]

    static let maximumNanoseconds: Double = 100 * 365 * 86_400 * 1e9

    /// Sums `amount × unit` parts; nil on overflow past the limit or a negative amount.
    static func total(_ parts: [(amount: Double, unit: String)]) -> Duration? {
        var nanoseconds: Int64 = 0
        var approximate: Double = 0
        for (amount, unit) in parts {
            guard let perUnit = nanosecondsPerUnit[unit], amount >= 0, amount.isFinite else { return nil }
            approximate += amount * Double(perUnit)
            guard approximate <= maximumNanoseconds else { return nil }
            let part: Int64
            if amount == amount.rounded(.towardZero) {
                part = Int64(amount) * perUnit
            } else {
                part = Int64((amount * Double(perUnit)).rounded())
            }
            nanoseconds += part
        }
        return .nanoseconds(nanoseconds)
    }

    private static let shortUnits: [String: String] = {
        var units: [String: String] = [:]
        for name in ["ms", "msec", "msecs", "millisecond", "milliseconds"] { units[name] = "milliseconds" }
        for name in ["s", "sec", "secs", "second", "seconds"] { units[name] = "seconds" }
        for name in ["m", "min", "mins", "minute", "minutes"] { units[name] = "minutes" }
        for name in ["h", "hr", "hrs", "hour", "hours"] { units[name] = "hours" }
        for name in ["d", "day", "days"] { units[name] = "days" }
        for name in ["w", "wk", "wks", "week", "weeks"] { units[name] = "weeks" }
        for name in ["y", "yr", "yrs", "year", "years"] { units[name] = "years" }
        return units
    }()

    private static func parseShort(_ text: String) -> Duration? {
        var parts: [(amount: Double, unit: String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop(while: { $0 == " " })
            if rest.isEmpty { break }
            guard let match = rest.prefixMatch(of: #/([0-9]+(?:\.[0-9]+)?|\.[0-9]+) *([A-Za-z]+)/#),
                let amount = Double(match.output.1),
                let unit = shortUnits[match.output.2.lowercased()]
            else { return nil }
            parts.append((amount, unit))
            rest = rest[match.range.upperBound...]
        }
        guard !parts.isEmpty else { return nil }
        return total(parts)
    }

    private static func parseISO8601(_ text: String) -> Duration? {
        let number = #"([0-9]+(?:[.,][0-9]+)?)"#
        let pattern = "P(?:\(number)Y)?(?:\(number)M)?(?:\(number)W)?(?:\(number)D)?(?:T(?:\(number)H)?(?:\(number)M)?(?:\(number)S)?)?"
        guard let regex = try? Regex(pattern).ignoresCase(),
            let match = try? regex.wholeMatch(in: text)
        else { return nil }
        let units = ["years", "months", "weeks", "days", "hours", "minutes", "seconds"]
        var parts: [(amount: Double, unit: String)] = []
        for (offset, unit) in units.enumerated() {
            guard let captured = match.output[offset + 1].substring else { continue }
            guard let amount = Double(captured.replacingOccurrences(of: ",", with: ".")) else { return nil }
            parts.append((amount, unit))
        }
        // `P` and `PT` alone are not durations; neither is a `T` with nothing after it.
        guard !parts.isEmpty, !text.uppercased().hasSuffix("T") else { return nil }
        return total(parts)
    }
}

/// How often a scheduled task runs: Backstage's `frequency`.
public enum ScheduleFrequency: Sendable, Hashable, CustomStringConvertible {
    /// At a fixed interval (a HumanDuration, ISO-8601 or short-string duration).
    case every(Duration)
    /// On a cron schedule, `{ cron: '*/5 * * * *' }`: five fields (minute hour day-of-month month
    /// day-of-week), or six with seconds first. Only the shape is checked here.
    case cron(String)
    /// Only when triggered by hand, `{ trigger: manual }` (newer Backstage).
    case manual

    public var description: String {
        switch self {
        case .every(let duration): return "every \(ConfigDuration.format(duration))"
        case .cron(let expression): return "cron '\(expression)'"
        case .manual: return "manual"
        }
    }

    /// Checks the shape of a cron expression: 5 or 6 fields, each a list of `*`, `?`, values or
    /// ranges with an optional `/step`, values within the field's range (month and weekday names
    /// allowed), plus Quartz-style `L`, `W` and `#`. Returns a problem description or nil.
    public static func cronProblem(_ expression: String) -> String? {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 5 || fields.count == 6 else {
            return "a cron expression needs 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first), found \(fields.count)"
        }
        let names = ["minute", "hour", "day-of-month", "month", "day-of-week"]
        let ranges: [ClosedRange<Int>] = [0...59, 0...23, 1...31, 1...12, 0...7]
        var specs = Array(zip(names, ranges))
        if fields.count == 6 { specs.insert(("second", 0...59), at: 0) }
        for (field, (name, range)) in zip(fields, specs) {
            if !cronFieldIsValid(String(field), range: range, name: name) {
                return "cron field \(name) '\(field)' is not valid (expected values in \(range.lowerBound)-\(range.upperBound), *, ranges a-b, lists a,b or steps */n)"
            }
        }
        return nil
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    private static func cronFieldIsValid(_ field: String, range: ClosedRange<Int>, name: String) -> Bool {
        func value(_ text: Substring) -> Int? {
            if let number = Int(text) { return range.contains(number) ? number : nil }
            let lower = text.lowercased()
            if name == "month", let index = monthNames.firstIndex(of: lower) { return index + 1 }
            if name == "day-of-week", let index = dayNames.firstIndex(of: lower) { return index }
            return nil
        }
        for item in field.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { return false }
            // Quartz extensions (L, W, #) are left to the evaluator.
            if (name == "day-of-month" || name == "day-of-week"),
                item.contains(where: { $0 == "L" || $0 == "W" || $0 == "#" })
            {
                guard item.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "#" || $0 == "-" }) else { return false }
                continue
            }
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { return false }
            if stepParts.count == 2 {
                guard let step = Int(stepParts[1]), step > 0 else { return false }
            }
            let base = stepParts[0]
            if base == "*" || base == "?" { continue }
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { return false }
            guard let low = value(bounds[0]) else { return false }
            if bounds.count == 2 {
                guard let high = value(bounds[1]), low <= high else { return false }
            }
        }
        return true
    }
}

/// A task schedule read from configuration, as Backstage's
/// `readSchedulerServiceTaskScheduleDefinitionFromConfig` reads it:
/// `{ frequency, timeout, initialDelay?, scope? }`.
public struct ScheduleConfig: Sendable, Hashable {
    /// Whether a task runs on one instance at a time (`global`, the default) or on every instance.
    public enum Scope: String, Sendable, Hashable {
        case global
        case local
    }

    /// How often the task runs.
    public var frequency: ScheduleFrequency
    /// How long one run may take before its cancellation is requested.
    public var timeout: Duration
    /// How long to wait after startup before the first run; nil means the scheduler's default.
    public var initialDelay: Duration?
    /// `global` (the default) or `local`.
    public var scope: Scope

    public init(frequency: ScheduleFrequency, timeout: Duration, initialDelay: Duration? = nil, scope: Scope = .global) {
        self.frequency = frequency
        self.timeout = timeout
        self.initialDelay = initialDelay
        self.scope = scope
    }
}

/// Parsing of byte sizes: `2GiB`, `5 MiB`, `512kb`, `1048576`.
///
/// Units are case-insensitive and binary, as in the `bytes` library that Backstage and Express
/// use: `k`/`kb`/`kib` = 1024, `m`/`mb`/`mib` = 1024², `g`/`gb`/`gib` = 1024³, `t`/`tb`/`tib` =
/// 1024⁴; `b` or no unit = bytes. Fractions are allowed (`1.5GiB`) and rounded down.
public enum ConfigByteSize {
    /// What the error messages say is expected.
    public static let expectation = "a byte size such as 1048576, 512KiB, 5MiB or 2GiB"

    /// Parses a byte-size string; nil when it is not one.
    public static func parse(_ text: String) -> Int? {
        guard let match = text.wholeMatch(of: #/ *([0-9]+(?:\.[0-9]+)?) *([A-Za-z]*) */#),
            let amount = Double(match.output.1)
        else { return nil }
        let multiplier: Double
        switch match.output.2.lowercased() {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1024
        case "m", "mb", "mib": multiplier = 1024 * 1024
        case "g", "gb", "gib": multiplier = 1024 * 1024 * 1024
        case "t", "tb", "tib": multiplier = 1024 * 1024 * 1024 * 1024
        case "p", "pb", "pib": multiplier = 1024 * 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = (amount * multiplier).rounded(.down)
        guard bytes < 9.0e18 else { return nil }
        if match.output.2.isEmpty || match.output.2.lowercased() == "b" {
            // Keep integers exact beyond 2^53.
            if let exact = Int(match.output.1) { return exact }
        }
        return Int(bytes)
    }
}
