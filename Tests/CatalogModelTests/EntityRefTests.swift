import CatalogModel
import Testing

@Suite("EntityRef")
struct EntityRefTests {
    /// input, defaultKind, defaultNamespace, expected `kind|namespace|name` (original case).
    @Test(arguments: [
        ("component:default/petstore", nil, "default", "component|default|petstore"),
        ("Component:Default/PetStore", nil, "default", "Component|Default|PetStore"),
        ("component:petstore", nil, "default", "component|default|petstore"),
        ("component:petstore", nil, "other", "component|other|petstore"),
        ("component:ns/petstore", nil, "other", "component|ns|petstore"),
        ("team-a", "Group", "default", "Group|default|team-a"),
        ("default/team-a", "Group", "alternative", "Group|default|team-a"),
        ("team-a", "Group", "alternative", "Group|alternative|team-a"),
        ("user:guest", "Group", "default", "user|default|guest"),
        ("group:default/team-a", "Group", "development", "group|default|team-a"),
        ("breanna.davison", "User", "default", "User|default|breanna.davison"),
        ("api:petstore", "API", "default", "api|default|petstore"),
        ("a b", "Group", "default", "Group|default|a b"),
    ] as [(String, String?, String, String)])
    func parses(input: String, defaultKind: String?, defaultNamespace: String, expected: String) throws {
        let ref = try EntityRef(parsing: input, defaultKind: defaultKind, defaultNamespace: defaultNamespace)
        #expect("\(ref.kind)|\(ref.namespace)|\(ref.name)" == expected)
    }

    /// input, defaultKind, a part of the message.
    @Test(arguments: [
        ("petstore", nil, "missing or empty kind"),
        ("default/petstore", nil, "missing or empty kind"),
        (":petstore", nil, "missing or empty kind"),
        (":petstore", "Group", "missing or empty kind"),
        ("", nil, "missing or empty kind"),
        ("", "Group", "missing or empty name"),
        ("component:", nil, "missing or empty name"),
        ("component:default/", nil, "missing or empty name"),
        ("component:/petstore", nil, "missing or empty namespace"),
        ("/petstore", "Group", "missing or empty namespace"),
        ("component:a/b/c", nil, "malformed"),
        ("component:a:b", nil, "malformed"),
    ] as [(String, String?, String)])
    func rejects(input: String, defaultKind: String?, messagePart: String) {
        #expect {
            _ = try EntityRef(parsing: input, defaultKind: defaultKind)
        } throws: { error in
            guard let error = error as? EntityRef.ParseError else { return false }
            return error.message.contains(messagePart) && error.message.contains("\"\(input)\"")
                && error.description == error.message
        }
    }

    @Test(arguments: [
        (EntityRef(kind: "Component", namespace: "Default", name: "PetStore"), "component:default/petstore"),
        (EntityRef(kind: "API", name: "petstore"), "api:default/petstore"),
        (EntityRef(kind: "group", namespace: "alternative", name: "team-a"), "group:alternative/team-a"),
    ])
    func stringifiesLowerCase(ref: EntityRef, expected: String) throws {
        #expect(ref.description == expected)
        #expect("\(ref)" == expected)
        // Parsing the stringified form gives an equal reference.
        #expect(try EntityRef(parsing: expected) == ref)
    }

    @Test(arguments: [
        ("component:default/a", "Component:Default/A", true),
        ("component:default/a", "component:a", true),
        ("group:default/team-a", "GROUP:DEFAULT/TEAM-A", true),
        ("component:default/a", "component:default/b", false),
        ("component:default/a", "api:default/a", false),
        ("component:default/a", "component:other/a", false),
    ])
    func comparesIgnoringCase(lhs: String, rhs: String, equal: Bool) throws {
        let left = try EntityRef(parsing: lhs)
        let right = try EntityRef(parsing: rhs)
        #expect((left == right) == equal)
        if equal {
            #expect(left.hashValue == right.hashValue)
            #expect(Set([left, right]).count == 1)
        }
    }

    @Test func entityRefDefaultsNamespace() {
        let entity = makeEntity(kind: "Component", name: "Petstore")
        #expect(entity.ref.description == "component:default/petstore")
        #expect(entity.ref.name == "Petstore")
        let namespaced = makeEntity(kind: "Component", name: "x", namespace: "alternative")
        #expect(namespaced.ref.description == "component:alternative/x")
        #expect(EntityRef.defaultNamespace == "default")
    }
}
