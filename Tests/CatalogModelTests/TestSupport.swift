import CatalogModel
import Testing

/// Parses JSON text and decodes it as an entity, failing the test on any error.
func decodeEntity(_ text: String) throws -> Entity {
    let json = try JSONParser.parse(text)
    return try Entity(json: json)
}

/// `field rule` for each error, the compact form the tables compare against.
func fieldRules(_ errors: [EntityValidationError]) -> [String] {
    errors.map { "\($0.field) \($0.rule)" }
}

/// `source type target` for each relation, with references stringified (lower-case).
func relationStrings(_ relations: [DerivedRelation]) -> [String] {
    relations.map { "\($0.source) \($0.type) \($0.target)" }
}

func repeated(_ string: String, _ count: Int) -> String {
    String(repeating: string, count: count)
}

/// A DNS subdomain of exactly `length` characters: 63-character labels joined by dots.
func longSubdomain(lastLabel: Int) -> String {
    [repeated("a", 63), repeated("a", 63), repeated("a", 63), repeated("a", lastLabel)].joined(separator: ".")
}

/// A minimal valid entity of `kind` with `spec`, for tests that vary one part.
func makeEntity(
    kind: String = "Component", apiVersion: String = "backstage.io/v1alpha1", name: String = "x",
    namespace: String? = nil, spec: [String: JSONValue]? = nil
) -> Entity {
    Entity(apiVersion: apiVersion, kind: kind, metadata: EntityMetadata(name: name, namespace: namespace), spec: spec)
}
