/// A reference to an entity: `kind:namespace/name`.
///
/// Parsing keeps the original case; ``description`` (Backstage's `stringifyEntityRef`) is all
/// lower-case; equality and hashing ignore case, as Backstage compares references.
public struct EntityRef: Sendable, CustomStringConvertible {
    /// The namespace used when a reference names none.
    public static let defaultNamespace = "default"

    public var kind: String
    public var namespace: String
    public var name: String

    public init(kind: String, namespace: String = EntityRef.defaultNamespace, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Why a reference string could not be parsed.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses `[kind:][namespace/]name`.
    /// - Parameters:
    ///   - string: the reference.
    ///   - defaultKind: the kind when the string has none; without it a kind-less reference is an error.
    ///   - defaultNamespace: the namespace when the string has none.
    public init(parsing string: String, defaultKind: String? = nil,
                defaultNamespace: String = EntityRef.defaultNamespace) throws(ParseError) {
        var rest = Substring(string)
        var kind: Substring?
        if let colon = rest.firstIndex(of: ":") {
            kind = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        }
        var namespace: Substring?
        if let slash = rest.firstIndex(of: "/") {
            namespace = rest[..<slash]
            rest = rest[rest.index(after: slash)...]
        }
        let resolvedKind = kind.map(String.init) ?? defaultKind
        guard let resolvedKind, !resolvedKind.isEmpty else {
            throw ParseError(message: "Entity reference \"\(string)\" had missing or empty kind (e.g. did not start with \"component:\" or similar)")
        }
        if let namespace, namespace.isEmpty {
            throw ParseError(message: "Entity reference \"\(string)\" had missing or empty namespace")
        }
        guard !rest.isEmpty else {
            throw ParseError(message: "Entity reference \"\(string)\" had missing or empty name")
        }
        if rest.contains(":") || rest.contains("/") {
            throw ParseError(message: "Entity reference \"\(string)\" is malformed; expected [kind:][namespace/]name")
        }
        self.init(kind: resolvedKind, namespace: namespace.map(String.init) ?? defaultNamespace, name: String(rest))
    }

    /// `kind:namespace/name`, all lower-case (Backstage's `stringifyEntityRef`).
    public var description: String {
        "\(kind.lowercased()):\(namespace.lowercased())/\(name.lowercased())"
    }
}

extension EntityRef: Hashable {
    public static func == (lhs: EntityRef, rhs: EntityRef) -> Bool {
        lhs.description == rhs.description
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }
}
