import CallboardTesting
import Foundation
import Testing

/// The `callboard` executable as a user runs it.
@Suite struct CommandLineTests {
    /// The built `callboard` binary, next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("callboard")
    }

    struct Outcome {
        var status: Int32
        var output: String
        var error: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
                       error: String(decoding: errData, as: UTF8.self))
    }

    static func fixture(_ name: String) -> String {
        Fixtures.directory.appendingPathComponent("entities").appendingPathComponent(name).path
    }

    static func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callboard-\(UUID().uuidString).yaml")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func validateAcceptsValidMultiDocumentFiles() throws {
        let outcome = try Self.run(["validate", Self.fixture("acme-team-a-group.yaml"), Self.fixture("petstore-api.yaml")])
        #expect(outcome.status == 0, "\(outcome.output)\(outcome.error)")
        #expect(outcome.output.contains("7 entities valid"))
    }

    @Test func validateNamesFileDocumentAndFieldOfEachError() throws {
        let outcome = try Self.run(["validate", Self.fixture("invalid-component.yaml")])
        #expect(outcome.status == 1)
        let lines = outcome.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("invalid-component.yaml: document 1") })
        #expect(lines.contains { $0.contains("metadata.name") })
        #expect(lines.contains { $0.contains("metadata.tags[1]") })
    }

    @Test func serveRejectsAnUnknownKeyWithOneClearLine() throws {
        let config = try Self.temporaryFile("backend:\n  listen:\n    port: 7007\n    hots: localhost\n")
        let outcome = try Self.run(["serve", "--config", config])
        #expect(outcome.status != 0)
        let lines = outcome.error.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(outcome.error.contains("backend.listen.hots"))
    }

    @Test func serveRejectsAMissingVariableNamingTheKey() throws {
        let config = try Self.temporaryFile("""
            backend:
              auth:
                externalAccess:
                  - type: static
                    options: { token: ${CALLBOARD_TEST_UNSET_TOKEN}, subject: ops }
            """)
        let outcome = try Self.run(["serve", "--config", config])
        #expect(outcome.status != 0)
        #expect(outcome.error.contains("CALLBOARD_TEST_UNSET_TOKEN"))
        #expect(outcome.error.contains("backend.auth.externalAccess[0].options.token"))
    }

    @Test func configPrintRedactsSecrets() throws {
        let config = try Self.temporaryFile("""
            app: { title: Shared }
            backend:
              auth:
                externalAccess:
                  - type: static
                    options: { token: ${CALLBOARD_TEST_TOKEN}, subject: ops }
            """)
        let outcome = try Self.run(["config", "print", "--config", config],
                                   environment: ["CALLBOARD_TEST_TOKEN": "a-very-secret-token"])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(!outcome.output.contains("a-very-secret-token"))
        #expect(outcome.output.contains("<redacted>"))
        #expect(outcome.output.contains("title: Shared"))
    }
}
