extension CallboardConfiguration {
    /// `backend.logging`: how Callboard writes its log (to stderr). The environment variables
    /// `CALLBOARD_LOG_FORMAT` and `LOG_LEVEL` override it (see ``overridden(by:)``).
    public struct Logging: Sendable, Hashable {
        /// One line per record: readable text, or a JSON object for log collectors.
        public enum Format: String, Sendable, Hashable, CaseIterable {
            case text
            case json
        }

        /// swift-log's levels, by their names.
        public enum Level: String, Sendable, Hashable, CaseIterable {
            case trace, debug, info, notice, warning, error, critical
        }

        /// `format`; default `text`.
        public var format: Format
        /// `level`; default `info`.
        public var level: Level

        public init(format: Format = .text, level: Level = .info) {
            self.format = format
            self.level = level
        }

        init(reader: ConfigReader) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try reader.expectOnly(["format", "level"])
            if let format = try reader.optionalOneOf("format", Format.allCases.map(\.rawValue)) {
                self.format = Format(rawValue: format)!
            }
            if let level = try reader.optionalOneOf("level", Level.allCases.map(\.rawValue)) {
                self.level = Level(rawValue: level)!
            }
        }

        /// These settings with the environment's overrides applied: `CALLBOARD_LOG_FORMAT`
        /// (`json` or `text`) and `LOG_LEVEL` (a level name, any case; `warn` means `warning`). An unknown value is an
        /// error naming the variable.
        public func overridden(by environment: [String: String]) throws(ConfigError) -> Logging {
            var result = self
            if let value = environment["CALLBOARD_LOG_FORMAT"], !value.isEmpty {
                guard let format = Format(rawValue: value.lowercased()) else {
                    throw ConfigError(code: .invalidValue, message:
                        "CALLBOARD_LOG_FORMAT: expected one of text, json, got '\(value)'")
                }
                result.format = format
            }
            if let value = environment["LOG_LEVEL"], !value.isEmpty {
                let name = value.lowercased() == "warn" ? "warning" : value.lowercased()
                guard let level = Level(rawValue: name) else {
                    throw ConfigError(code: .invalidValue, message:
                        "LOG_LEVEL: expected one of \(Level.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'")
                }
                result.level = level
            }
            return result
        }
    }
}
