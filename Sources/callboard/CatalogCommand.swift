import ArgumentParser
import CallboardConfig
import CatalogModel
import Foundation

/// `callboard catalog get REF`: reads an entity from a running server.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Read the catalog of a running server.", subcommands: [CatalogGet.self])
}

struct CatalogGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print an entity by reference, as YAML or JSON.",
        discussion: """
            REF is kind:namespace/name; the namespace defaults to 'default' (component:petstore). \
            Uses GET /api/catalog/entities/by-name/{kind}/{namespace}/{name}. A token (--token, \
            CALLBOARD_TOKEN or the configuration's) is sent when there is one, for servers with \
            backend.auth.protectReads.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    @Argument(help: "The entity reference: kind:[namespace/]name.")
    var ref: String

    @Option(name: [.short, .long], help: "yaml or json.")
    var output: Format = .yaml

    @Option(help: "The bearer token (prefer CALLBOARD_TOKEN: arguments are visible to other users).")
    var token: String?

    @OptionGroup var server: ServerOptions

    func run() async throws {
        let parsed: EntityRef
        do {
            parsed = try EntityRef(parsing: ref)
        } catch {
            throw RemoteError(.local, "'\(ref)' is not an entity reference (kind:namespace/name): \(error.message)")
        }
        let segments = [parsed.kind, parsed.namespace, parsed.name].map {
            $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? $0
        }
        let client = ServerClient(baseURL: try server.baseURL(), token: try server.token(explicit: token))
        let reply = try await client.send(.GET, "/api/catalog/entities/by-name/" + segments.joined(separator: "/"))
        guard let entity = reply.json else { throw RemoteError(.failed, "the server's answer is not JSON") }
        switch output {
        case .json:
            let object = try JSONSerialization.jsonObject(with: Data(reply.body))
            let pretty = try JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: pretty, as: UTF8.self))
        case .yaml:
            let text = ConfigYAML.render(entity)
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
