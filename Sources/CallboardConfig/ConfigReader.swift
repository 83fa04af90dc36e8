import CatalogModel
import Foundation

/// Typed, read-only access to a configuration subtree, with errors that name the full key.
///
/// A reader wraps a ``JSONValue`` and the key path that leads to it. Modules receive a reader for
/// their own subtree (for example `catalog.providers.frobs`) and read it like this:
///
/// ```swift
/// try config.expectOnly(["url", "eventUrl", "schedule"])
/// let url = try config.string("url")                 // required
/// let eventUrl = try config.optionalString("eventUrl")
/// let schedule = try config.schedule("schedule")
/// ```
///
/// Every read either returns a value of the right type or throws a ``ConfigError`` whose message
/// is one line naming the full key and what was expected:
/// `catalog.providers.frobs.production.url: expected a string, got a list`.
/// An absent key and an explicit `null` are the same thing: "not set".
///
/// Because values may come from `${VAR}` substitution, which always yields strings, numeric
/// strings are accepted where an integer or number is expected and `"true"`/`"false"` where a
/// boolean is expected.
public struct ConfigReader: Sendable, Hashable {
    /// The value this reader wraps (`.null` when the key is absent).
    public let value: JSONValue
    /// The full key path of ``value`` (`events.http.topics[2]`); empty for the root.
    public let path: String

    /// Creates a reader for `value` found at `path` (empty for the root).
    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    // MARK: - Structure

    /// The keys of this object, sorted; empty when the value is not an object.
    public var keys: [String] {
        value.objectValue.map { $0.keys.sorted() } ?? []
    }

    /// True when this value is absent or `null`.
    public var isNull: Bool { value.isNull }

    /// True when `key` is present with a non-null value.
    public func has(_ key: String) -> Bool {
        guard let member = value[key] else { return false }
        return !member.isNull
    }

    /// The full key path of `key` below this reader (`events.http` + `topics` → `events.http.topics`).
    public func keyPath(_ key: String) -> String {
        ConfigPathText.child(path, key: key)
    }

    /// A reader for `key`, whatever its type; its value is `.null` when the key is absent.
    public func child(_ key: String) -> ConfigReader {
        ConfigReader(value[key] ?? .null, path: keyPath(key))
    }

    /// Checks that this object has no keys besides `keys`.
    ///
    /// - Throws: ``ConfigError`` with code `unknownKey` naming the first unknown key (in sorted
    ///   order) and listing the allowed ones; `invalidValue` when this value is not an object.
    public func expectOnly(_ keys: Set<String>) throws(ConfigError) {
        guard case .object(let members) = value else {
            if value.isNull { return }
            throw invalid(expected: "an object")
        }
        let unknown = members.keys.filter { !keys.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let allowed = keys.sorted().joined(separator: ", ")
        throw ConfigError(
            code: .unknownKey, keyPath: keyPath(first),
            problem: "unknown key (expected one of: \(allowed))"
        )
    }

    // MARK: - Keyed reads

    /// The string at `key`.
    ///
    /// - Parameter allowEmpty: whether `""` is acceptable; by default an empty string is an error,
    ///   since it usually comes from an environment variable that is set but empty.
    /// - Throws: `missingKey` when absent, `invalidValue` when not a string.
    public func string(_ key: String, allowEmpty: Bool = false) throws(ConfigError) -> String {
        try child(key).required(expected: "a string").asString(allowEmpty: allowEmpty)
    }

    /// The string at `key`, or nil when absent.
    public func optionalString(_ key: String, allowEmpty: Bool = false) throws(ConfigError) -> String? {
        let member = child(key)
        return member.isNull ? nil : try member.asString(allowEmpty: allowEmpty)
    }

    /// The string at `key`, which must be one of `allowed` (compared exactly).
    public func oneOf(_ key: String, _ allowed: [String]) throws(ConfigError) -> String {
        try child(key).required(expected: "one of \(allowed.joined(separator: ", "))").asOneOf(allowed)
    }

    /// The string at `key`, which must be one of `allowed`, or nil when absent.
    public func optionalOneOf(_ key: String, _ allowed: [String]) throws(ConfigError) -> String? {
        let member = child(key)
        return member.isNull ? nil : try member.asOneOf(allowed)
    }

    /// The integer at `key`; numeric strings such as `"7007"` are accepted.
    ///
    /// - Parameter range: when given, the value must lie in it.
    public func int(_ key: String, in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int {
        try child(key).required(expected: Self.intExpectation(range)).asInt(in: range)
    }

    /// The integer at `key`, or nil when absent.
    public func optionalInt(_ key: String, in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int? {
        let member = child(key)
        return member.isNull ? nil : try member.asInt(in: range)
    }

    /// The number at `key` (integer or fraction); numeric strings are accepted.
    public func double(_ key: String) throws(ConfigError) -> Double {
        try child(key).required(expected: "a number").asDouble()
    }

    /// The number at `key`, or nil when absent.
    public func optionalDouble(_ key: String) throws(ConfigError) -> Double? {
        let member = child(key)
        return member.isNull ? nil : try member.asDouble()
    }

    /// The boolean at `key`; the strings `"true"` and `"false"` are accepted.
    public func bool(_ key: String) throws(ConfigError) -> Bool {
        try child(key).required(expected: "true or false").asBool()
    }

    /// The boolean at `key`, or nil when absent.
    public func optionalBool(_ key: String) throws(ConfigError) -> Bool? {
        let member = child(key)
        return member.isNull ? nil : try member.asBool()
    }

    /// The duration at `key`, in any form ``ConfigDuration`` accepts.
    ///
    /// - Parameter allowZero: whether a zero duration is acceptable (by default it is).
    public func duration(_ key: String, allowZero: Bool = true) throws(ConfigError) -> Duration {
        try child(key).required(expected: Self.durationExpectation(allowZero: allowZero)).asDuration(allowZero: allowZero)
    }

    /// The duration at `key`, or nil when absent.
    public func optionalDuration(_ key: String, allowZero: Bool = true) throws(ConfigError) -> Duration? {
        let member = child(key)
        return member.isNull ? nil : try member.asDuration(allowZero: allowZero)
    }

    /// The schedule frequency at `key`: a duration, `{ cron: '…' }` or `{ trigger: manual }`.
    public func scheduleFrequency(_ key: String) throws(ConfigError) -> ScheduleFrequency {
        try child(key).required(expected: "a duration or { cron: '…' }").asScheduleFrequency()
    }

    /// The task schedule at `key`: `{ frequency, timeout, initialDelay?, scope? }`.
    public func schedule(_ key: String) throws(ConfigError) -> ScheduleConfig {
        try child(key).required(expected: "a schedule { frequency, timeout }").asSchedule()
    }

    /// The task schedule at `key`, or nil when absent.
    public func optionalSchedule(_ key: String) throws(ConfigError) -> ScheduleConfig? {
        let member = child(key)
        return member.isNull ? nil : try member.asSchedule()
    }

    /// The byte size at `key`: a number of bytes or a string such as `5MiB` (see ``ConfigByteSize``).
    public func byteSize(_ key: String) throws(ConfigError) -> Int {
        try child(key).required(expected: ConfigByteSize.expectation).asByteSize()
    }

    /// The byte size at `key`, or nil when absent.
    public func optionalByteSize(_ key: String) throws(ConfigError) -> Int? {
        let member = child(key)
        return member.isNull ? nil : try member.asByteSize()
    }

    /// A string or a non-empty list of strings at `key`, as a list. Used for secrets, where a
    /// list allows rotation. Error messages never show the values.
    public func stringOrList(_ key: String) throws(ConfigError) -> [String] {
        try child(key).required(expected: "a string or a list of strings").asStringOrList()
    }

    /// A string or a list of strings at `key`, or nil when absent.
    public func optionalStringOrList(_ key: String) throws(ConfigError) -> [String]? {
        let member = child(key)
        return member.isNull ? nil : try member.asStringOrList()
    }

    /// The list of strings at `key` (possibly empty).
    public func stringList(_ key: String) throws(ConfigError) -> [String] {
        try child(key).required(expected: "a list of strings").asStringList()
    }

    /// The list of strings at `key`, or nil when absent.
    public func optionalStringList(_ key: String) throws(ConfigError) -> [String]? {
        let member = child(key)
        return member.isNull ? nil : try member.asStringList()
    }

    /// A reader for the object at `key`.
    ///
    /// - Throws: `missingKey` when absent, `invalidValue` when not an object.
    public func object(_ key: String) throws(ConfigError) -> ConfigReader {
        try child(key).required(expected: "an object").asObject()
    }

    /// A reader for the object at `key`, or nil when absent.
    public func optionalObject(_ key: String) throws(ConfigError) -> ConfigReader? {
        let member = child(key)
        return member.isNull ? nil : try member.asObject()
    }

    /// Readers for the elements of the list at `key` (their paths end in `[0]`, `[1]`, …).
    public func array(_ key: String) throws(ConfigError) -> [ConfigReader] {
        try child(key).required(expected: "a list").asArray()
    }

    /// Readers for the elements of the list at `key`, or nil when absent.
    public func optionalArray(_ key: String) throws(ConfigError) -> [ConfigReader]? {
        let member = child(key)
        return member.isNull ? nil : try member.asArray()
    }

    /// Readers for the members of the object at `key`, keyed by member name; empty when absent.
    public func members(_ key: String) throws(ConfigError) -> [String: ConfigReader] {
        let member = child(key)
        return member.isNull ? [:] : try member.asMembers()
    }

    // MARK: - Reading this value

    /// Throws `missingKey` when this value is absent or null; returns self otherwise.
    public func required(expected: String) throws(ConfigError) -> ConfigReader {
        guard !isNull else {
            throw ConfigError(code: .missingKey, keyPath: path, problem: "missing required value (expected \(expected))")
        }
        return self
    }

    /// This value as a string.
    public func asString(allowEmpty: Bool = false) throws(ConfigError) -> String {
        guard case .string(let text) = value else { throw invalid(expected: "a string") }
        if !allowEmpty, text.isEmpty { throw invalid(expected: "a non-empty string") }
        return text
    }

    /// This value as one of `allowed`.
    public func asOneOf(_ allowed: [String]) throws(ConfigError) -> String {
        let expected = "one of \(allowed.joined(separator: ", "))"
        guard case .string(let text) = value, allowed.contains(text) else { throw invalid(expected: expected) }
        return text
    }

    /// This value as an integer (numeric strings and integral numbers accepted).
    public func asInt(in range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int {
        let expected = Self.intExpectation(range)
        let number: Int?
        switch value {
        case .int(let integer): number = Int(exactly: integer)
        case .double(let double): number = double.isFinite && double == double.rounded() ? Int(exactly: double) : nil
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            number = trimmed.wholeMatch(of: #/[-+]?[0-9]+/#) != nil
                ? Int(trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed) : nil
        default: number = nil
        }
        guard let number, range?.contains(number) ?? true else { throw invalid(expected: expected) }
        return number
    }

    /// This value as a number (numeric strings accepted).
    public func asDouble() throws(ConfigError) -> Double {
        switch value {
        case .int(let integer): return Double(integer)
        case .double(let double) where double.isFinite: return double
        case .string(let text):
            if case .some(let parsed) = Double(text.trimmingCharacters(in: .whitespaces)), parsed.isFinite {
                return parsed
            }
        default: break
        }
        throw invalid(expected: "a number")
    }

    /// This value as a boolean (`"true"`/`"false"` strings accepted).
    public func asBool() throws(ConfigError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string(let text):
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true": return true
            case "false": return false
            default: break
            }
        default: break
        }
        throw invalid(expected: "true or false")
    }

    /// This value as a duration (see ``ConfigDuration``).
    public func asDuration(allowZero: Bool = true) throws(ConfigError) -> Duration {
        let expected = Self.durationExpectation(allowZero: allowZero)
        let duration: Duration
        switch value {
        case .string(let text):
            guard let parsed = ConfigDuration.parse(text) else { throw invalid(expected: expected) }
            duration = parsed
        case .int(0):
            duration = .zero
        case .object(let members):
            try expectOnly(Set(ConfigDuration.humanDurationKeys))
            guard !members.isEmpty else { throw invalid(expected: expected) }
            var parts: [(amount: Double, unit: String)] = []
            for unit in ConfigDuration.humanDurationKeys {
                let member = child(unit)
                guard !member.isNull else { continue }
                let amount = try member.asDouble()
                guard amount >= 0 else { throw member.invalid(expected: "a number of \(unit) that is not negative") }
                parts.append((amount, unit))
            }
            guard let total = ConfigDuration.total(parts) else {
                throw ConfigError(code: .invalidValue, keyPath: path, problem: "duration is longer than 100 years")
            }
            duration = total
        default:
            throw invalid(expected: expected)
        }
        if !allowZero, duration == .zero { throw invalid(expected: expected) }
        return duration
    }

    /// This value as a schedule frequency: a duration, `{ cron: '…' }` or `{ trigger: manual }`.
    public func asScheduleFrequency() throws(ConfigError) -> ScheduleFrequency {
        if case .object(let members) = value {
            if members["cron"] != nil {
                try expectOnly(["cron"])
                let cron = child("cron")
                let expression = try cron.asString()
                if let problem = ScheduleFrequency.cronProblem(expression) {
                    throw ConfigError(code: .invalidValue, keyPath: cron.path, problem: problem)
                }
                return .cron(expression)
            }
            if members["trigger"] != nil {
                try expectOnly(["trigger"])
                _ = try child("trigger").asOneOf(["manual"])
                return .manual
            }
            if members.isEmpty || !members.keys.contains(where: ConfigDuration.humanDurationKeys.contains) {
                let allowed = (["cron", "trigger"] + ConfigDuration.humanDurationKeys).sorted()
                if let first = members.keys.sorted().first {
                    throw ConfigError(
                        code: .unknownKey, keyPath: keyPath(first),
                        problem: "unknown key (expected one of: \(allowed.joined(separator: ", ")))"
                    )
                }
            }
        }
        return .every(try asDuration(allowZero: false))
    }

    /// This value as a task schedule `{ frequency, timeout, initialDelay?, scope? }`.
    public func asSchedule() throws(ConfigError) -> ScheduleConfig {
        _ = try asObject()
        try expectOnly(["frequency", "timeout", "initialDelay", "scope"])
        let scope = try optionalOneOf("scope", ["global", "local"]).flatMap(ScheduleConfig.Scope.init(rawValue:))
        return ScheduleConfig(
            frequency: try scheduleFrequency("frequency"),
            timeout: try duration("timeout", allowZero: false),
            initialDelay: try optionalDuration("initialDelay"),
            scope: scope ?? .global
        )
    }

    /// This value as a byte size (see ``ConfigByteSize``).
    public func asByteSize() throws(ConfigError) -> Int {
        switch value {
        case .int(let integer) where integer >= 0:
            if let size = Int(exactly: integer) { return size }
        case .double(let double) where double >= 0 && double == double.rounded() && double < 9.0e18:
            return Int(double)
        case .string(let text):
            if let size = ConfigByteSize.parse(text) { return size }
        default: break
        }
        throw invalid(expected: ConfigByteSize.expectation)
    }

    /// This value as a list of strings; a single string counts as a list of one.
    /// The list must not be empty, nor contain empty strings. Values are never shown in errors.
    public func asStringOrList() throws(ConfigError) -> [String] {
        switch value {
        case .string(let text):
            guard !text.isEmpty else { throw invalid(expected: "a non-empty string or a list of strings") }
            return [text]
        case .array(let elements):
            guard !elements.isEmpty else { throw invalid(expected: "a string or a non-empty list of strings") }
            var strings: [String] = []
            for reader in try asArray() {
                strings.append(try reader.asString())
            }
            return strings
        default:
            throw invalid(expected: "a string or a list of strings")
        }
    }

    /// This value as a list of strings (possibly empty; no empty strings).
    public func asStringList() throws(ConfigError) -> [String] {
        guard case .array = value else { throw invalid(expected: "a list of strings") }
        var strings: [String] = []
        for reader in try asArray() {
            strings.append(try reader.asString())
        }
        return strings
    }

    /// This reader, after checking that the value is an object.
    public func asObject() throws(ConfigError) -> ConfigReader {
        guard case .object = value else { throw invalid(expected: "an object") }
        return self
    }

    /// Readers for the elements of this list.
    public func asArray() throws(ConfigError) -> [ConfigReader] {
        guard case .array(let elements) = value else { throw invalid(expected: "a list") }
        return elements.enumerated().map { index, element in
            ConfigReader(element, path: ConfigPathText.child(path, index: index))
        }
    }

    /// Readers for the members of this object, keyed by member name.
    public func asMembers() throws(ConfigError) -> [String: ConfigReader] {
        guard case .object(let members) = value else { throw invalid(expected: "an object") }
        var readers: [String: ConfigReader] = [:]
        for key in members.keys {
            readers[key] = child(key)
        }
        return readers
    }

    // MARK: - Errors

    /// An `invalidValue` error for this value: `"<path>: expected <expected>, got <what>"`.
    ///
    /// The value itself is shown only for short scalars under keys that do not hold secrets.
    public func invalid(expected: String) -> ConfigError {
        ConfigError(code: .invalidValue, keyPath: path, problem: "expected \(expected), got \(describedValue)")
    }

    /// An error about this value with a free-form problem: `"<path>: <problem>"`.
    public func error(_ problem: String, code: ConfigError.Code = .invalidValue) -> ConfigError {
        ConfigError(code: code, keyPath: path, problem: problem)
    }

    /// A short description of the value for messages; secrets are described by type only.
    var describedValue: String {
        let secret = ConfigRedaction.isSecretKey(ConfigPathText.lastKey(path))
        switch value {
        case .null: return "nothing"
        case .bool(let flag): return secret ? "a boolean" : "\(flag)"
        case .int(let integer): return secret ? "a number" : "\(integer)"
        case .double(let double): return secret ? "a number" : "\(double)"
        case .string(let text):
            if text.isEmpty { return "an empty string" }
            if secret || ConfigRedaction.containsURLPassword(text) { return "a string" }
            let shown = text.count > 60 ? String(text.prefix(57)) + "..." : text
            return "'\(shown)'"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    static func durationExpectation(allowZero: Bool) -> String {
        allowZero ? ConfigDuration.expectation : "a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 }"
    }

    static func intExpectation(_ range: ClosedRange<Int>?) -> String {
        guard let range else { return "an integer" }
        if range.upperBound == Int.max { return "an integer of at least \(range.lowerBound)" }
        return "an integer from \(range.lowerBound) to \(range.upperBound)"
    }
}
