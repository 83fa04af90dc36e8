import CallboardConfig
import Testing

/// `backend.logging` and its environment overrides.
@Suite struct LoggingConfigurationTests {
    @Test func defaultsToTextAtInfo() throws {
        let logging = try configuration("backend: { listen: 7007 }").backend.logging
        #expect(logging == CallboardConfiguration.Logging(format: .text, level: .info))
    }

    @Test func readsFormatAndLevel() throws {
        let logging = try configuration("backend: { logging: { format: json, level: debug } }").backend.logging
        #expect(logging.format == .json)
        #expect(logging.level == .debug)
    }

    @Test(arguments: [
        BadCase("backend: { logging: { format: xml } }", .invalidValue,
                "backend.logging.format: expected one of text, json, got 'xml'"),
        BadCase("backend: { logging: { level: loud } }", .invalidValue,
                "backend.logging.level: expected one of trace, debug, info, notice, warning, error, critical, got 'loud'"),
        BadCase("backend: { logging: { fromat: json } }", .unknownKey,
                "backend.logging.fromat: unknown key (expected one of: format, level)"),
    ])
    func rejectsBadValuesNamingTheKey(_ bad: BadCase) {
        bad.check()
    }

    @Test func environmentOverridesTheConfiguration() throws {
        let configured = CallboardConfiguration.Logging(format: .text, level: .info)
        let overridden = try configured.overridden(by: ["CALLBOARD_LOG_FORMAT": "JSON", "LOG_LEVEL": "warn"])
        #expect(overridden == CallboardConfiguration.Logging(format: .json, level: .warning))
        #expect(try configured.overridden(by: ["LOG_LEVEL": ""]) == configured)
    }

    @Test func anUnknownEnvironmentValueNamesTheVariable() {
        let configured = CallboardConfiguration.Logging()
        let format = configError { try configured.overridden(by: ["CALLBOARD_LOG_FORMAT": "xml"]) }
        #expect(format?.message == "CALLBOARD_LOG_FORMAT: expected one of text, json, got 'xml'")
        let level = configError { try configured.overridden(by: ["LOG_LEVEL": "loud"]) }
        #expect(level?.message.hasPrefix("LOG_LEVEL: expected one of trace, debug") == true)
    }
}
