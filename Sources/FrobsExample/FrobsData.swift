import CatalogModel

/// One frob as the Frobs service describes it (SPEC §7).
public struct Frob: Sendable, Hashable {
    public var name: String
    public var owner: String
    public var lifecycle: String?
    public var title: String?
    public var description: String?
    public var system: String?
    public var tags: [String]?

    public init(name: String, owner: String, lifecycle: String? = nil, title: String? = nil,
                description: String? = nil, system: String? = nil, tags: [String]? = nil) {
        self.name = name
        self.owner = owner
        self.lifecycle = lifecycle
        self.title = title
        self.description = description
        self.system = system
        self.tags = tags
    }
}

/// Why a Frobs document could not be read; the message names the field, never the payload.
public struct FrobsDataError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Decoding of `{"frobs":[{"name","owner","lifecycle"?,"title"?,"description"?,"system"?,"tags"?}]}`.
public enum FrobsData {
    /// Parses a Frobs document; unknown fields are ignored, missing or mistyped ones are errors.
    public static func decode(_ bytes: [UInt8]) throws -> [Frob] {
        try decodePage(bytes).frobs
    }

    /// Parses one page of a Frobs document: its frobs and, when the upstream pages a large full
    /// sync, the URL of the next page (`"next"`, absent or null on the last page).
    public static func decodePage(_ bytes: [UInt8]) throws -> (frobs: [Frob], next: String?) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw FrobsDataError(message: "the Frobs document is not JSON: \(error)")
        }
        guard case .array(let items)? = document["frobs"] else {
            throw FrobsDataError(message: "the Frobs document has no 'frobs' array")
        }
        let next: String?
        switch document["next"] {
        case .string(let url)? where !url.isEmpty: next = url
        case nil, .null?: next = nil
        default: throw FrobsDataError(message: "the Frobs document's 'next' must be a URL string")
        }
        return (try items.enumerated().map { index, item in try frob(item, at: index) }, next)
    }

    private static func frob(_ item: JSONValue, at index: Int) throws -> Frob {
        func string(_ key: String, required: Bool) throws -> String? {
            switch item[key] {
            case .string(let value)?: return value
            case nil, .null?:
                if required { throw FrobsDataError(message: "frobs[\(index)].\(key) is missing") }
                return nil
            default: throw FrobsDataError(message: "frobs[\(index)].\(key) must be a string")
            }
        }
        guard case .object = item else { throw FrobsDataError(message: "frobs[\(index)] must be an object") }
        var tags: [String]?
        switch item["tags"] {
        case .array(let values)?:
            tags = try values.map { value in
                guard case .string(let tag) = value else {
                    throw FrobsDataError(message: "frobs[\(index)].tags must be a list of strings")
                }
                return tag
            }
        case nil, .null?: tags = nil
        default: throw FrobsDataError(message: "frobs[\(index)].tags must be a list of strings")
        }
        return Frob(
            name: try string("name", required: true)!, owner: try string("owner", required: true)!,
            lifecycle: try string("lifecycle", required: false), title: try string("title", required: false),
            description: try string("description", required: false), system: try string("system", required: false),
            tags: tags)
    }
}

extension Frob {
    /// The annotation that records which Frobs environment an entity came from.
    public static let environmentAnnotation = "frobs.example.com/env"

    /// The catalog entity for this frob: a `Component` of type `frob`, lifecycle `experimental`
    /// unless given, annotated with its environment.
    public func entity(environment: String) -> Entity {
        var spec: [String: JSONValue] = [
            "type": "frob", "lifecycle": .string(lifecycle ?? "experimental"), "owner": .string(owner),
        ]
        if let system { spec["system"] = .string(system) }
        return Entity(
            apiVersion: "backstage.io/v1alpha1", kind: "Component",
            metadata: EntityMetadata(
                name: name, title: title, description: description,
                annotations: [Self.environmentAnnotation: environment], tags: tags),
            spec: spec)
    }
}
