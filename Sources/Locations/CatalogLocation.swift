import CatalogModel
import Crypto
import Foundation

/// A location the catalog reads entities from: one from `catalog.locations` or one registered
/// through `POST /api/catalog/locations`.
public struct CatalogLocation: Sendable, Hashable {
    /// How the target is read.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An http(s) URL, read through the URL reader (and its integrations).
        case url
        /// A path on the server's file system.
        case file
    }

    /// Where the location was declared.
    public enum Origin: String, Sendable, Hashable {
        /// `catalog.locations`: removed by editing the configuration, not through the API.
        case config
        /// `POST /api/catalog/locations`: kept in the catalog database.
        case registered
    }

    /// A uuid: the store's for registered locations, derived from ``key`` for configured ones.
    public var id: String
    public var kind: Kind
    /// The URL, or the absolute, standardised path of a file.
    public var target: String
    /// Kinds allowed from this location, lower-case; nil allows every kind.
    public var allowedKinds: Set<String>?
    public var origin: Origin

    public init(id: String, kind: Kind, target: String, allowedKinds: Set<String>? = nil, origin: Origin) {
        self.id = id
        self.kind = kind
        self.target = target
        self.allowedKinds = allowedKinds
        self.origin = origin
    }

    /// A configured location; a relative file path is taken from the working directory.
    public static func configured(kind: Kind, target: String, allowedKinds: [String]?) -> CatalogLocation {
        let resolved = kind == .file ? LocationTarget.absolutePath(target) : target
        let key = "\(kind.rawValue):\(resolved)"
        return CatalogLocation(
            id: stableID(for: key), kind: kind, target: resolved,
            allowedKinds: allowedKinds.map { Set($0.map { $0.lowercased() }) }, origin: .config)
    }

    /// `url:<target>` or `file:<path>`: the location key of every entity read from here and the
    /// value of their `backstage.io/managed-by-origin-location` annotation.
    public var key: String { "\(kind.rawValue):\(target)" }

    /// The name of the provider that owns this location's entities.
    public var providerName: String { "location:\(key)" }

    /// Backstage's generated `Location` entity for this location (`generated-<sha1 of key>`).
    public var generatedEntity: Entity {
        let digest = Insecure.SHA1.hash(data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
        return Entity(
            apiVersion: "backstage.io/v1alpha1", kind: "Location",
            metadata: EntityMetadata(name: "generated-\(digest)", namespace: EntityRef.defaultNamespace),
            spec: ["type": .string(kind.rawValue), "target": .string(target), "presence": "required"])
    }

    /// The body Backstage's location routes answer with: `{id, type, target}`.
    public var json: JSONValue {
        ["id": .string(id), "type": .string(kind.rawValue), "target": .string(target)]
    }

    /// A uuid-shaped id derived from `key`, so a configured location keeps its id across restarts.
    static func stableID(for key: String) -> String {
        let hex = SHA256.hash(data: Array(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
