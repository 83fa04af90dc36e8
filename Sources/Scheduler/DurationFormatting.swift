import Foundation

extension Duration {
    /// This duration in seconds, as Foundation counts time.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
    }

    /// ISO-8601, as Backstage's task list shows durations: `PT30M`, `PT1H30M`, `P1D`, `PT0.5S`.
    var iso8601: String {
        let totalMilliseconds = max(0, Int64((timeInterval * 1000).rounded()))
        let days = totalMilliseconds / 86_400_000
        var rest = totalMilliseconds % 86_400_000
        let hours = rest / 3_600_000
        rest %= 3_600_000
        let minutes = rest / 60_000
        rest %= 60_000
        let seconds = rest / 1000
        let milliseconds = rest % 1000
        var text = "P"
        if days > 0 { text += "\(days)D" }
        var time = ""
        if hours > 0 { time += "\(hours)H" }
        if minutes > 0 { time += "\(minutes)M" }
        if milliseconds > 0 {
            var fraction = String(format: "%03d", Int(milliseconds))
            while fraction.hasSuffix("0") { fraction.removeLast() }
            time += "\(seconds).\(fraction)S"
        } else if seconds > 0 {
            time += "\(seconds)S"
        }
        if !time.isEmpty { text += "T" + time }
        return text == "P" ? "PT0S" : text
    }
}

extension Date {
    /// This date moved by a duration.
    func adding(_ duration: Duration) -> Date { addingTimeInterval(duration.timeInterval) }

    /// ISO-8601 in UTC with milliseconds, as the task list shows times.
    var iso8601: String { formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}
