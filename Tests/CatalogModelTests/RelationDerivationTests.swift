import CatalogModel
import Testing

/// An entity (kind, namespace, spec as JSON text) and the relations it must derive, as
/// `source type target` strings.
struct DerivationCase: Sendable, CustomTestStringConvertible {
    let kind: String
    let namespace: String?
    let spec: String
    let expected: [String]

    init(_ kind: String, namespace: String? = nil, _ spec: String, _ expected: [String]) {
        self.kind = kind
        self.namespace = namespace
        self.spec = spec
        self.expected = expected
    }

    var testDescription: String { "\(kind) \(namespace ?? "-") \(spec)" }

    func entity() throws -> Entity {
        makeEntity(kind: kind, namespace: namespace, spec: try JSONParser.parse(spec).objectValue)
    }
}

@Suite("Relations")
struct RelationDerivationTests {
    static let cases: [DerivationCase] = [
        // owner → ownedBy / ownerOf, default kind Group, for every kind that has an owner.
        DerivationCase("Component", #"{"owner": "team-a"}"#, [
            "component:default/x ownedBy group:default/team-a", "group:default/team-a ownerOf component:default/x",
        ]),
        DerivationCase("Component", #"{"owner": "user:guest"}"#, [
            "component:default/x ownedBy user:default/guest", "user:default/guest ownerOf component:default/x",
        ]),
        DerivationCase("Component", namespace: "alternative", #"{"owner": "team-a"}"#, [
            "component:alternative/x ownedBy group:alternative/team-a",
            "group:alternative/team-a ownerOf component:alternative/x",
        ]),
        DerivationCase("Component", namespace: "alternative", #"{"owner": "default/team-a"}"#, [
            "component:alternative/x ownedBy group:default/team-a",
            "group:default/team-a ownerOf component:alternative/x",
        ]),
        DerivationCase("API", #"{"owner": "Team-A"}"#, [
            "api:default/x ownedBy group:default/team-a", "group:default/team-a ownerOf api:default/x",
        ]),
        DerivationCase("Resource", #"{"owner": "group:ops/sre"}"#, [
            "resource:default/x ownedBy group:ops/sre", "group:ops/sre ownerOf resource:default/x",
        ]),
        DerivationCase("System", #"{"owner": "team-b"}"#, [
            "system:default/x ownedBy group:default/team-b", "group:default/team-b ownerOf system:default/x",
        ]),
        DerivationCase("Domain", #"{"owner": "team-a"}"#, [
            "domain:default/x ownedBy group:default/team-a", "group:default/team-a ownerOf domain:default/x",
        ]),
        // system → partOf / hasPart, default kind System.
        DerivationCase("Component", #"{"system": "audio"}"#, [
            "component:default/x partOf system:default/audio", "system:default/audio hasPart component:default/x",
        ]),
        DerivationCase("API", namespace: "ns", #"{"system": "audio"}"#, [
            "api:ns/x partOf system:ns/audio", "system:ns/audio hasPart api:ns/x",
        ]),
        DerivationCase("Resource", #"{"system": "other/audio"}"#, [
            "resource:default/x partOf system:other/audio", "system:other/audio hasPart resource:default/x",
        ]),
        // subcomponentOf → partOf, default kind Component.
        DerivationCase("Component", #"{"subcomponentOf": "player"}"#, [
            "component:default/x partOf component:default/player",
            "component:default/player hasPart component:default/x",
        ]),
        // System.domain and Domain.subdomainOf → partOf, default kind Domain.
        DerivationCase("System", #"{"domain": "playback"}"#, [
            "system:default/x partOf domain:default/playback", "domain:default/playback hasPart system:default/x",
        ]),
        DerivationCase("Domain", #"{"subdomainOf": "audio"}"#, [
            "domain:default/x partOf domain:default/audio", "domain:default/audio hasPart domain:default/x",
        ]),
        // providesApis / consumesApis, default kind API, string or array.
        DerivationCase("Component", #"{"providesApis": ["petstore", "api:other/streetlights"]}"#, [
            "component:default/x providesApi api:default/petstore",
            "api:default/petstore apiProvidedBy component:default/x",
            "component:default/x providesApi api:other/streetlights",
            "api:other/streetlights apiProvidedBy component:default/x",
        ]),
        DerivationCase("Component", #"{"consumesApis": "single"}"#, [
            "component:default/x consumesApi api:default/single",
            "api:default/single apiConsumedBy component:default/x",
        ]),
        DerivationCase("Component", namespace: "ns", #"{"consumesApis": ["a"]}"#, [
            "component:ns/x consumesApi api:ns/a", "api:ns/a apiConsumedBy component:ns/x",
        ]),
        // dependsOn / dependencyOf: no default kind, so kind-less targets are skipped.
        DerivationCase("Component", #"{"dependsOn": ["resource:db", "nokind", "component:ns/lib"]}"#, [
            "component:default/x dependsOn resource:default/db", "resource:default/db dependencyOf component:default/x",
            "component:default/x dependsOn component:ns/lib", "component:ns/lib dependencyOf component:default/x",
        ]),
        DerivationCase("Component", #"{"dependencyOf": ["component:y"]}"#, [
            "component:default/x dependencyOf component:default/y",
            "component:default/y dependsOn component:default/x",
        ]),
        DerivationCase("Resource", namespace: "ns", #"{"dependsOn": "resource:a", "dependencyOf": ["b", "system:s"]}"#, [
            "resource:ns/x dependsOn resource:ns/a", "resource:ns/a dependencyOf resource:ns/x",
            "resource:ns/x dependencyOf system:ns/s", "system:ns/s dependsOn resource:ns/x",
        ]),
        DerivationCase("Resource", #"{"dependsOn": "nokind"}"#, []),
        // User.memberOf → memberOf / hasMember, default kind Group.
        DerivationCase("User", namespace: "development", #"{"memberOf": ["team-a", "group:default/team-b"]}"#, [
            "user:development/x memberOf group:development/team-a",
            "group:development/team-a hasMember user:development/x",
            "user:development/x memberOf group:default/team-b", "group:default/team-b hasMember user:development/x",
        ]),
        DerivationCase("User", #"{"memberOf": []}"#, []),
        // Group.parent / children / members.
        DerivationCase("Group", #"{"parent": "backstage"}"#, [
            "group:default/x childOf group:default/backstage", "group:default/backstage parentOf group:default/x",
        ]),
        DerivationCase("Group", #"{"children": ["infrastructure", "group:other/b"]}"#, [
            "group:default/x parentOf group:default/infrastructure",
            "group:default/infrastructure childOf group:default/x",
            "group:default/x parentOf group:other/b", "group:other/b childOf group:default/x",
        ]),
        DerivationCase("Group", namespace: "ns", #"{"members": ["jdoe", "user:default/guest"]}"#, [
            "group:ns/x hasMember user:ns/jdoe", "user:ns/jdoe memberOf group:ns/x",
            "group:ns/x hasMember user:default/guest", "user:default/guest memberOf group:ns/x",
        ]),
        // Built-in kinds match case-insensitively.
        DerivationCase("component", #"{"owner": "team-a"}"#, [
            "component:default/x ownedBy group:default/team-a", "group:default/team-a ownerOf component:default/x",
        ]),
        DerivationCase("GROUP", #"{"members": "jdoe"}"#, [
            "group:default/x hasMember user:default/jdoe", "user:default/jdoe memberOf group:default/x",
        ]),
        // No relations: Location, unknown kinds, fields another kind defines, bad values.
        DerivationCase("Location", #"{"owner": "team-a", "targets": ["./a.yaml"]}"#, []),
        DerivationCase("Frob", #"{"owner": "team-a", "system": "s"}"#, []),
        DerivationCase("Template", #"{"owner": "team-a"}"#, []),
        DerivationCase("API", #"{"providesApis": ["a"], "dependsOn": ["component:c"], "domain": "d"}"#, []),
        DerivationCase("System", #"{"system": "s", "memberOf": ["g"], "subdomainOf": "d"}"#, []),
        DerivationCase("User", #"{"owner": "o", "members": ["u"], "parent": "p"}"#, []),
        DerivationCase("Group", #"{"owner": "o", "memberOf": ["g"]}"#, []),
        DerivationCase("Domain", #"{"domain": "d", "system": "s"}"#, []),
        DerivationCase("Component", #"{}"#, []),
        DerivationCase("Component", #"{"owner": ""}"#, []),
        DerivationCase("Component", #"{"owner": 5}"#, []),
        DerivationCase("Component", #"{"owner": null}"#, []),
        DerivationCase("Component", #"{"owner": {"name": "team-a"}}"#, []),
        DerivationCase("Component", #"{"owner": "group:"}"#, []),
        DerivationCase("Component", #"{"owner": "group:/a"}"#, []),
        DerivationCase("Component", #"{"providesApis": [1, null, "", "a:b:c", "x/y/z", ["n"], "ok"]}"#, [
            "component:default/x providesApi api:default/ok", "api:default/ok apiProvidedBy component:default/x",
        ]),
        // Duplicates (references compare case-insensitively) appear once.
        DerivationCase("Component", #"{"providesApis": ["a", "A", "api:default/a", "API:Default/A"]}"#, [
            "component:default/x providesApi api:default/a", "api:default/a apiProvidedBy component:default/x",
        ]),
        DerivationCase("Group", #"{"parent": "p", "children": ["c", "c"], "members": ["m"]}"#, [
            "group:default/x childOf group:default/p", "group:default/p parentOf group:default/x",
            "group:default/x parentOf group:default/c", "group:default/c childOf group:default/x",
            "group:default/x hasMember user:default/m", "user:default/m memberOf group:default/x",
        ]),
        // A relation of the entity to itself is the same relation in both directions.
        DerivationCase("Component", #"{"dependsOn": ["component:x"], "dependencyOf": ["Component:default/X"]}"#, [
            "component:default/x dependsOn component:default/x", "component:default/x dependencyOf component:default/x",
        ]),
        DerivationCase("Group", #"{"parent": "x", "children": ["x"]}"#, [
            "group:default/x childOf group:default/x", "group:default/x parentOf group:default/x",
        ]),
        // Several fields, in Backstage's emit order: each target's forward relation, then its inverse.
        DerivationCase(
            "Component",
            #"""
            {"type": "service", "lifecycle": "production", "owner": "team-a", "system": "audio",
             "subcomponentOf": "player", "providesApis": ["p"], "consumesApis": ["c"],
             "dependsOn": ["resource:db"], "dependencyOf": ["component:app"]}
            """#,
            [
                "component:default/x ownedBy group:default/team-a", "group:default/team-a ownerOf component:default/x",
                "component:default/x partOf component:default/player",
                "component:default/player hasPart component:default/x",
                "component:default/x providesApi api:default/p", "api:default/p apiProvidedBy component:default/x",
                "component:default/x consumesApi api:default/c", "api:default/c apiConsumedBy component:default/x",
                "component:default/x dependsOn resource:default/db",
                "resource:default/db dependencyOf component:default/x",
                "component:default/x dependencyOf component:default/app",
                "component:default/app dependsOn component:default/x",
                "component:default/x partOf system:default/audio", "system:default/audio hasPart component:default/x",
            ]),
    ]

    @Test(arguments: cases)
    func derives(_ testCase: DerivationCase) throws {
        let relations = RelationDerivation.derive(from: try testCase.entity())
        #expect(relationStrings(relations) == testCase.expected)
    }

    /// Every derived relation comes with its inverse, and both ends of each relation involve the entity.
    @Test(arguments: cases)
    func everyRelationHasItsInverse(_ testCase: DerivationCase) throws {
        let entity = try testCase.entity()
        let relations = RelationDerivation.derive(from: entity)
        let set = Set(relations)
        #expect(set.count == relations.count)
        for relation in relations {
            let inverse = try #require(RelationPairs.inverse(of: relation.type))
            #expect(set.contains(DerivedRelation(source: relation.target, type: inverse, target: relation.source)))
            #expect(relation.source == entity.ref || relation.target == entity.ref)
        }
    }

    @Test func targetsKeepTheirCase() throws {
        let entity = makeEntity(kind: "Component", name: "X", spec: ["owner": "Group:Ops/SRE"])
        let relations = RelationDerivation.derive(from: entity)
        try #require(relations.count == 2)
        #expect(relations[0].source.name == "X")
        #expect(relations[0].target.kind == "Group")
        #expect(relations[0].target.namespace == "Ops")
        #expect(relations[0].target.name == "SRE")
        #expect(relations[0].type == RelationType.ownedBy)
        #expect(relations[1].type == RelationType.ownerOf)
    }

    @Test(arguments: [1, 16, 17, 40, 1000])
    func manyTargetsWithDuplicates(count: Int) {
        let members = (0..<count).flatMap { [JSONValue.string("user-\($0)"), .string("User:Default/USER-\($0)")] }
        let relations = RelationDerivation.derive(from: makeEntity(kind: "Group", spec: ["members": .array(members)]))
        #expect(relations.count == 2 * count)
        #expect(Set(relations).count == 2 * count)
        #expect(relations.first?.target.description == "user:default/user-0")
        #expect(relations.last?.source.description == "user:default/user-\(count - 1)")
    }

    @Test func noSpecNoRelations() {
        #expect(RelationDerivation.derive(from: makeEntity(kind: "Component", spec: nil)).isEmpty)
    }

    // MARK: - Pairs

    @Test(arguments: [
        ("ownedBy", "ownerOf"), ("consumesApi", "apiConsumedBy"), ("providesApi", "apiProvidedBy"),
        ("dependsOn", "dependencyOf"), ("parentOf", "childOf"), ("memberOf", "hasMember"), ("partOf", "hasPart"),
    ])
    func pairs(forward: String, inverse: String) {
        #expect(RelationPairs.inverse(of: forward) == inverse)
        #expect(RelationPairs.inverse(of: inverse) == forward)
        #expect(RelationPairs.all.contains(RelationPair(forward: forward, inverse: inverse)))
    }

    @Test(arguments: ["", "owns", "OWNEDBY", "ownedby", "relatedTo"])
    func unknownTypesHaveNoInverse(type: String) {
        #expect(RelationPairs.inverse(of: type) == nil)
    }

    @Test func constants() {
        #expect(RelationPairs.all.count == 7)
        let all = RelationPairs.all.flatMap { [$0.forward, $0.inverse] }
        #expect(Set(all).count == 14)
        #expect([
            RelationType.ownedBy, RelationType.ownerOf, RelationType.consumesApi, RelationType.apiConsumedBy,
            RelationType.providesApi, RelationType.apiProvidedBy, RelationType.dependsOn, RelationType.dependencyOf,
            RelationType.parentOf, RelationType.childOf, RelationType.memberOf, RelationType.hasMember,
            RelationType.partOf, RelationType.hasPart,
        ] == all)
    }
}
