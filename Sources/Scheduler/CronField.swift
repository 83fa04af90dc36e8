/// One field of a cron expression: its name, its value range and the names it accepts.
struct CronField: Sendable {
    var name: String
    var range: ClosedRange<Int>
    /// Three-letter names for values, the first one standing for `namesStart`.
    var names: [String] = []
    var namesStart = 0

    static let second = CronField(name: "second", range: 0...59)
    static let minute = CronField(name: "minute", range: 0...59)
    static let hour = CronField(name: "hour", range: 0...23)
    static let dayOfMonth = CronField(name: "day-of-month", range: 1...31)
    static let month = CronField(
        name: "month", range: 1...12,
        names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], namesStart: 1)
    /// 0 and 7 are both Sunday.
    static let dayOfWeek = CronField(
        name: "day-of-week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"])

    /// A single value: a number in range or a name (case-insensitive).
    func value(_ text: Substring, in expression: String) throws(CronExpressionError) -> Int {
        if let number = Int(text) {
            guard range.contains(number) else {
                throw CronExpressionError(
                    expression: expression,
                    reason: "\(name) value \(number) is out of range \(range.lowerBound)-\(range.upperBound)")
            }
            return number
        }
        if let index = names.firstIndex(of: text.lowercased()) { return index + namesStart }
        throw CronExpressionError(expression: expression, reason: "\(name) value '\(text)' is not a number\(namesHint)")
    }

    private var namesHint: String {
        names.isEmpty ? "" : " or a name (\(names.first!)…\(names.last!))"
    }

    /// The values of one list item without Quartz extensions: `*`, `?`, `n`, `a-b`, each with an
    /// optional `/step` (`n/step` runs from n to the end of the range), as a bit set.
    func bits(ofItem item: Substring, in expression: String) throws(CronExpressionError) -> UInt64 {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw CronExpressionError(expression: expression, reason: "\(name) item '\(item)' has more than one '/'")
        }
        var step = 1
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed > 0 else {
                throw CronExpressionError(
                    expression: expression, reason: "\(name) step '\(parts[1])' is not a positive number")
            }
            step = parsed
        }
        let base = parts[0]
        let low: Int
        let high: Int
        if base == "*" || base == "?" {
            (low, high) = (range.lowerBound, range.upperBound)
        } else {
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, !bounds.contains(where: \.isEmpty) else {
                throw CronExpressionError(expression: expression, reason: "\(name) item '\(item)' is not a value or range")
            }
            low = try value(bounds[0], in: expression)
            if bounds.count == 2 {
                high = try value(bounds[1], in: expression)
                guard low <= high else {
                    throw CronExpressionError(
                        expression: expression, reason: "\(name) range '\(base)' runs backwards")
                }
            } else {
                high = parts.count == 2 ? range.upperBound : low
            }
        }
        var bits: UInt64 = 0
        for value in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(value) }
        return bits
    }

    /// The union of the items of a comma-separated list.
    func bits(ofList text: Substring, in expression: String) throws(CronExpressionError) -> UInt64 {
        var bits: UInt64 = 0
        for item in try Self.items(of: text, field: self, in: expression) {
            bits |= try self.bits(ofItem: item, in: expression)
        }
        return bits
    }

    static func items(of text: Substring, field: CronField, in expression: String) throws(CronExpressionError)
        -> [Substring]
    {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !items.contains(where: \.isEmpty) else {
            throw CronExpressionError(expression: expression, reason: "\(field.name) list '\(text)' has an empty item")
        }
        return items
    }
}

/// Index of the lowest set bit at or above `from`, if any.
func nextBit(_ bits: UInt64, from: Int) -> Int? {
    guard from < 64 else { return nil }
    let masked = bits & (UInt64.max << UInt64(max(from, 0)))
    return masked == 0 ? nil : masked.trailingZeroBitCount
}
