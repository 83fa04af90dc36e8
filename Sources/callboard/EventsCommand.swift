import ArgumentParser
import CallboardConfig
import Foundation

/// `callboard events send|replay`: a running server's events system.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Send webhooks to, and replay dead letters on, a running server.",
        subcommands: [EventsSend.self, EventsReplay.self])
}

/// `callboard events send TOPIC FILE`: posts FILE to `POST /api/events/http/{topic}`, signed as the
/// topic's validator in the configuration expects.
struct EventsSend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Post a file as a webhook to a topic, signed for the topic's validator.",
        discussion: """
            The body is sent exactly as it is in FILE ('-' reads stdin). When the configuration gives \
            the topic a validator (events.http.topics, events.modules.github/gitlab), the request \
            carries what it checks: x-hub-signature-256 (github), x-gitlab-token (gitlab), the \
            configured header and prefix (hmac-sha256) or the Standard Webhooks headers, made with \
            the first configured secret. Prints the event id.
            """)

    @Argument(help: "The topic, as configured under events.http.topics or events.modules.")
    var topic: String

    @Argument(help: "The file to send as the body ('-' for stdin).")
    var file: String

    @Option(help: "The body's media type.")
    var contentType = "application/json"

    @Option(name: .customLong("header"), help: ArgumentHelp(
        "An extra header, 'name: value' (repeat for several), e.g. 'x-github-event: push' or 'idempotency-key: 42'.",
        valueName: "header"))
    var headers: [String] = []

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let body = try readBody()
        var fields: [String: String] = ["content-type": contentType]
        for header in headers {
            guard let colon = header.firstIndex(of: ":"), colon != header.startIndex else {
                throw RemoteError(.local, "--header expects 'name: value', got '\(header)'")
            }
            let name = header[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            fields[name] = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let validator = try server.configuration().events.topic(named: topic)?.validator {
            fields.merge(try WebhookSignature.headers(for: validator, body: body, topic: topic)) { _, signed in signed }
        }
        let client = ServerClient(baseURL: try server.baseURL(), token: nil)
        let path = "/api/events/http/" + (topic.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? topic)
        let reply = try await client.send(.POST, path, body: body, headers: fields)
        let id = reply.json?["eventId"]?.stringValue ?? "?"
        if reply.json?["duplicate"]?.boolValue == true {
            print("duplicate: the topic already has this delivery as event \(id)")
        } else {
            print("accepted: event \(id)")
        }
    }

    private func readBody() throws -> [UInt8] {
        if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw RemoteError(.local, "cannot read \(file)")
        }
        return Array(data)
    }
}

/// `callboard events replay ID` / `--all`: dead-letter replay through the admin API.
struct EventsReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a dead letter (or all of them) to its subscriber.",
        discussion: """
            Uses POST /api/events/dead-letters/{id}/replay, or .../replay with --all. The bearer \
            token is --token, else CALLBOARD_TOKEN, else the first backend.auth.externalAccess \
            token of the configuration.
            """)

    @Argument(help: "The dead letter's id (see GET /api/events/dead-letters).")
    var id: String?

    @Flag(help: "Replay every dead letter (of --subscriber only, when given).")
    var all = false

    @Option(help: "With --all: only this subscriber's dead letters.")
    var subscriber: String?

    @Option(help: "The bearer token (prefer CALLBOARD_TOKEN: arguments are visible to other users).")
    var token: String?

    @OptionGroup var server: ServerOptions

    func validate() throws {
        if all == (id != nil) { throw ValidationError("Give a dead letter's ID or --all, not both") }
        if subscriber != nil && !all { throw ValidationError("--subscriber needs --all") }
    }

    func run() async throws {
        let client = ServerClient(baseURL: try server.baseURL(), token: try server.token(explicit: token))
        if let id {
            let encoded = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
            _ = try await client.send(.POST, "/api/events/dead-letters/\(encoded)/replay")
            print("replaying dead letter \(id)")
        } else {
            var path = "/api/events/dead-letters/replay"
            if let subscriber {
                path += "?subscriber=" + (subscriber.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? subscriber)
            }
            let reply = try await client.send(.POST, path)
            print("replaying \(reply.json?["replaying"]?.canonicalString() ?? "0") dead letters")
        }
    }
}
