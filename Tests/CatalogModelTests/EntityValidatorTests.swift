import CatalogModel
import Testing

/// One change to a valid entity and the `field rule` errors it must produce, in order.
struct EnvelopeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let expected: [String]
    let mutate: @Sendable (inout Entity) -> Void

    init(_ name: String, _ expected: [String], _ mutate: @escaping @Sendable (inout Entity) -> Void) {
        self.name = name
        self.expected = expected
        self.mutate = mutate
    }

    var testDescription: String { name }
}

/// A built-in kind's spec (JSON text, `null` for none) and the `field rule` errors it must produce.
struct KindCase: Sendable, CustomTestStringConvertible {
    let kind: String
    let spec: String
    let expected: [String]
    var apiVersion = "backstage.io/v1alpha1"

    init(_ kind: String, _ spec: String, _ expected: [String] = [], apiVersion: String = "backstage.io/v1alpha1") {
        self.kind = kind
        self.spec = spec
        self.expected = expected
        self.apiVersion = apiVersion
    }

    var testDescription: String { "\(apiVersion) \(kind) \(spec)" }

    func entity() throws -> Entity {
        makeEntity(kind: kind, apiVersion: apiVersion, spec: try JSONParser.parse(spec).objectValue)
    }
}

@Suite("EntityValidator")
struct EntityValidatorTests {
    /// Backstage's FieldFormatEntityPolicy happy-path entity.
    static let base: Entity = {
        var metadata = EntityMetadata(name: "my-component-yay", namespace: "the-namespace")
        metadata.uid = "e01199ab-08cc-44c2-8e19-5c29ded82521"
        metadata.etag = "lsndfkjsndfkjnsdfkjnsd=="
        metadata.labels = ["backstage.io/custom": "ValueStuff"]
        metadata.annotations = ["example.com/bindings": "are-secret"]
        metadata.tags = ["java", "data-service"]
        metadata.links = [EntityLink(url: "https://example.org", title: "Website", icon: "website")]
        metadata.additional = ["generation": 13]
        return Entity(
            apiVersion: "backstage.io/v1alpha1", kind: "Component", metadata: metadata,
            spec: ["type": "service", "lifecycle": "production", "owner": "team-a", "custom": "stuff"])
    }()

    static let envelopeCases: [EnvelopeCase] = [
        EnvelopeCase("happy path", []) { _ in },
        EnvelopeCase("v1beta1", []) { $0.apiVersion = "backstage.io/v1beta1" },
        EnvelopeCase("apiVersion with a bad character", ["apiVersion pattern"]) { $0.apiVersion = "a#b" },
        EnvelopeCase("empty apiVersion", ["apiVersion length"]) { $0.apiVersion = "" },
        EnvelopeCase("apiVersion with two slashes", ["apiVersion pattern"]) { $0.apiVersion = "a/b/c" },
        EnvelopeCase("apiVersion version too long", ["apiVersion length"]) {
            $0.apiVersion = "backstage.io/" + repeated("v", 64)
        },
        EnvelopeCase("apiVersion not for the built-in kind", ["apiVersion enum"]) {
            $0.apiVersion = "example.com/v1"
        },
        EnvelopeCase("apiVersion without a prefix for the built-in kind", ["apiVersion enum"]) {
            $0.apiVersion = "v1alpha1"
        },
        EnvelopeCase("any valid apiVersion for an unknown kind", []) {
            $0.kind = "Frob"
            $0.apiVersion = "example.com/v1"
        },
        EnvelopeCase("kind with a bad character", ["kind pattern"]) { $0.kind = "a#b" },
        EnvelopeCase("kind starting with a digit", ["kind pattern"]) { $0.kind = "9Component" },
        EnvelopeCase("empty kind", ["kind length"]) { $0.kind = "" },
        EnvelopeCase("kind too long", ["kind length"]) { $0.kind = repeated("a", 64) },
        EnvelopeCase("empty name", ["metadata.name length"]) { $0.metadata.name = "" },
        EnvelopeCase("name too long", ["metadata.name length"]) { $0.metadata.name = repeated("a", 1000) },
        EnvelopeCase("name with a space", ["metadata.name pattern"]) { $0.metadata.name = "invalid component" },
        EnvelopeCase("name starting with a hyphen", ["metadata.name pattern"]) { $0.metadata.name = "-a" },
        EnvelopeCase("name with a slash", ["metadata.name pattern"]) { $0.metadata.name = "a/b" },
        EnvelopeCase("name with upper case and dots", []) { $0.metadata.name = "My.Component_1" },
        EnvelopeCase("no namespace", []) { $0.metadata.namespace = nil },
        EnvelopeCase("empty namespace", ["metadata.namespace length"]) { $0.metadata.namespace = "" },
        EnvelopeCase("namespace with upper case", ["metadata.namespace pattern"]) {
            $0.metadata.namespace = "The-Namespace"
        },
        EnvelopeCase("namespace too long", ["metadata.namespace length"]) {
            $0.metadata.namespace = repeated("a", 64)
        },
        EnvelopeCase("namespace with a dot", ["metadata.namespace pattern"]) { $0.metadata.namespace = "a.b" },
        EnvelopeCase("bad label key", ["metadata.labels.a#b pattern"]) { $0.metadata.labels!["a#b"] = "value" },
        EnvelopeCase("bad label value", ["metadata.labels.a pattern"]) { $0.metadata.labels!["a"] = "a#b" },
        EnvelopeCase("label key and value both bad", ["metadata.labels.a b pattern", "metadata.labels.a b pattern"]) {
            $0.metadata.labels!["a b"] = "c d"
        },
        EnvelopeCase("empty label value", []) { $0.metadata.labels!["a"] = "" },
        EnvelopeCase("label value too long", ["metadata.labels.a length"]) {
            $0.metadata.labels!["a"] = repeated("a", 64)
        },
        EnvelopeCase("label key with a bad prefix", ["metadata.labels.Example.com/a pattern"]) {
            $0.metadata.labels!["Example.com/a"] = "b"
        },
        EnvelopeCase("bad labels reported by key order", ["metadata.labels.a# pattern", "metadata.labels.b# pattern"]) {
            $0.metadata.labels!["b#"] = "x"
            $0.metadata.labels!["a#"] = "x"
        },
        EnvelopeCase("empty labels", []) { $0.metadata.labels = [:] },
        EnvelopeCase("bad annotation key", ["metadata.annotations.a#b pattern"]) {
            $0.metadata.annotations!["a#b"] = "value"
        },
        EnvelopeCase("annotation key too long", ["metadata.annotations.a/\(repeated("a", 64)) length"]) {
            $0.metadata.annotations!["a/" + repeated("a", 64)] = "value"
        },
        EnvelopeCase("any annotation value", []) {
            $0.metadata.annotations!["backstage.io/techdocs-ref"] = "dir:. with spaces & ünïcode"
            $0.metadata.annotations!["a"] = ""
            $0.metadata.annotations!["b"] = repeated("/", 6000)
        },
        EnvelopeCase("bad tag", ["metadata.tags[2] pattern"]) { $0.metadata.tags!.append("Hello World") },
        EnvelopeCase("empty tag", ["metadata.tags[0] length"]) { $0.metadata.tags = [""] },
        EnvelopeCase("tag too long", ["metadata.tags[0] length"]) { $0.metadata.tags = [repeated("a", 64)] },
        EnvelopeCase("tags with + # :", []) { $0.metadata.tags = ["c++", "c#", "k8s:prod"] },
        EnvelopeCase("every bad tag", ["metadata.tags[0] pattern", "metadata.tags[2] pattern"]) {
            $0.metadata.tags = ["Java", "go", "-go"]
        },
        EnvelopeCase("no links", []) { $0.metadata.links = nil },
        EnvelopeCase("empty links", []) { $0.metadata.links = [] },
        EnvelopeCase("several links", []) {
            $0.metadata.links = [EntityLink(url: "http://foo"), EntityLink(url: "https://bar", type: "admin")]
        },
        EnvelopeCase("empty link url", ["metadata.links[0].url minLength"]) { $0.metadata.links = [EntityLink(url: "")] },
        EnvelopeCase("blank link url", ["metadata.links[1].url minLength"]) {
            $0.metadata.links = [EntityLink(url: "http://good"), EntityLink(url: " \t")]
        },
        EnvelopeCase("link title, icon and type may be any string", []) {
            $0.metadata.links = [EntityLink(url: "x", title: "", icon: "not good", type: "")]
        },
        EnvelopeCase("title and description are free text", []) {
            $0.metadata.title = ""
            $0.metadata.description = "Anything: at all / even \"quotes\""
        },
        EnvelopeCase("unknown kind skips spec rules", []) {
            $0.kind = "Frob"
            $0.spec = ["owner": 42]
        },
        EnvelopeCase("unknown kind without spec", []) {
            $0.kind = "Template"
            $0.apiVersion = "scaffolder.backstage.io/v1beta3"
            $0.spec = nil
        },
        EnvelopeCase("bad apiVersion on a built-in kind skips the kind rules", ["apiVersion pattern"]) {
            $0.apiVersion = "a#b"
            $0.spec = nil
        },
        EnvelopeCase("built-in kind in lower case", ["spec required"]) {
            $0.kind = "component"
            $0.spec = nil
        },
        EnvelopeCase(
            "all errors, in field order",
            [
                "apiVersion pattern", "kind pattern", "metadata.name pattern", "metadata.namespace pattern",
                "metadata.labels.a# pattern", "metadata.annotations.b# pattern", "metadata.tags[0] pattern",
                "metadata.links[0].url minLength",
            ]
        ) {
            $0.apiVersion = "x y"
            $0.kind = "x y"
            $0.metadata.name = "x y"
            $0.metadata.namespace = "x y"
            $0.metadata.labels = ["a#": "ok"]
            $0.metadata.annotations = ["b#": "ok"]
            $0.metadata.tags = ["x y"]
            $0.metadata.links = [EntityLink(url: "")]
        },
    ]

    @Test(arguments: envelopeCases)
    func envelope(_ testCase: EnvelopeCase) {
        var entity = Self.base
        testCase.mutate(&entity)
        #expect(fieldRules(EntityValidator.validate(entity)) == testCase.expected)
    }

    static let validKinds: [KindCase] = [
        KindCase("Component", #"{"type": "service", "lifecycle": "production", "owner": "team-a"}"#),
        KindCase(
            "Component",
            #"""
            {"type": "website", "lifecycle": "experimental", "owner": "user:jdoe", "system": "audio",
             "subcomponentOf": "player", "providesApis": [], "consumesApis": ["api:default/a", "b"],
             "dependsOn": ["resource:db"], "dependencyOf": ["component:x"], "custom": {"any": [1, 2]}}
            """#),
        KindCase("Component", #"{"type": "service", "lifecycle": "production", "owner": "team-a"}"#,
                 apiVersion: "backstage.io/v1beta1"),
        KindCase("component", #"{"type": "service", "lifecycle": "production", "owner": "team-a"}"#),
        KindCase("API", #"{"type": "openapi", "lifecycle": "production", "owner": "team-a", "definition": "openapi: 3"}"#),
        KindCase("API", #"{"type": "grpc", "lifecycle": "p", "owner": "o", "definition": "d", "system": "s"}"#),
        KindCase("api", #"{"type": "grpc", "lifecycle": "p", "owner": "o", "definition": "d"}"#),
        KindCase("Resource", #"{"type": "database", "owner": "team-a"}"#),
        KindCase("Resource", #"{"type": "db", "owner": "o", "system": "s", "dependsOn": ["a"], "dependencyOf": []}"#),
        KindCase("System", #"{"owner": "team-b"}"#),
        KindCase("System", #"{"owner": "team-b", "domain": "playback", "type": "product"}"#),
        KindCase("Domain", #"{"owner": "team-a"}"#),
        KindCase("Domain", #"{"owner": "team-a", "subdomainOf": "audio", "type": "business"}"#),
        KindCase("Group", #"{"type": "team", "children": []}"#),
        KindCase(
            "Group",
            #"""
            {"type": "team", "children": ["a", "group:b"], "parent": "org", "members": ["jdoe"],
             "profile": {"displayName": "Team", "email": "t@example.com", "picture": "https://p", "other": 1}}
            """#),
        KindCase("User", #"{"memberOf": []}"#),
        KindCase("User", #"{"memberOf": ["team-a"], "profile": {"displayName": "J", "pronouns": "they"}}"#),
        KindCase("Location", #"{}"#),
        KindCase("Location", #"{"type": "url", "target": "https://example.com/catalog-info.yaml"}"#),
        KindCase("Location", #"{"targets": ["./a.yaml", "./b.yaml"], "presence": "optional"}"#),
        KindCase("Location", #"{"target": "./a.yaml", "presence": "required"}"#),
    ]

    @Test(arguments: validKinds)
    func validKind(_ testCase: KindCase) throws {
        #expect(EntityValidator.validate(try testCase.entity()).isEmpty)
    }

    static let invalidKinds: [KindCase] = [
        KindCase("Component", "null", ["spec required"]),
        KindCase("Component", "{}", ["spec.type required", "spec.lifecycle required", "spec.owner required"]),
        KindCase("Component", #"{"type": 1, "lifecycle": "p", "owner": "o"}"#, ["spec.type type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": null, "owner": "o"}"#, ["spec.lifecycle type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": ""}"#, ["spec.owner minLength"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": ["a"]}"#, ["spec.owner type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "system": ["a"]}"#, ["spec.system type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "system": null}"#, ["spec.system type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "subcomponentOf": 5}"#,
                 ["spec.subcomponentOf type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "providesApis": "x"}"#,
                 ["spec.providesApis type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "providesApis": ["a", 1, ""]}"#,
                 ["spec.providesApis[1] type", "spec.providesApis[2] minLength"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "consumesApis": {}}"#,
                 ["spec.consumesApis type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "dependsOn": [null]}"#,
                 ["spec.dependsOn[0] type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o", "dependencyOf": "x"}"#,
                 ["spec.dependencyOf type"]),
        KindCase("Component", #"{"type": "s", "lifecycle": "p", "owner": "o"}"#, ["apiVersion enum"],
                 apiVersion: "backstage.io/v2"),
        KindCase("component", "{}", ["spec.type required", "spec.lifecycle required", "spec.owner required"]),
        KindCase("API", "null", ["spec required"]),
        KindCase("API", #"{"type": "openapi", "lifecycle": "p", "owner": "o"}"#, ["spec.definition required"]),
        KindCase("API", #"{"type": "openapi", "lifecycle": "p", "owner": "o", "definition": {"openapi": "3"}}"#,
                 ["spec.definition type"]),
        KindCase("API", #"{"type": "openapi", "lifecycle": "p", "owner": "o", "definition": "d", "system": 1}"#,
                 ["spec.system type"]),
        KindCase("API", "{}", [
            "spec.type required", "spec.lifecycle required", "spec.owner required", "spec.definition required",
        ]),
        KindCase("Resource", "{}", ["spec.type required", "spec.owner required"]),
        KindCase("Resource", #"{"type": "db", "owner": "o", "dependencyOf": [1]}"#, ["spec.dependencyOf[0] type"]),
        KindCase("Resource", #"{"type": "db", "owner": "o", "dependsOn": "x", "system": ""}"#,
                 ["spec.dependsOn type", "spec.system minLength"]),
        KindCase("System", "{}", ["spec.owner required"]),
        KindCase("System", #"{"owner": "o", "domain": 1, "type": []}"#, ["spec.domain type", "spec.type type"]),
        KindCase("Domain", "{}", ["spec.owner required"]),
        KindCase("Domain", #"{"owner": "o", "subdomainOf": []}"#, ["spec.subdomainOf type"]),
        KindCase("Domain", #"{"owner": true}"#, ["spec.owner type"]),
        KindCase("Group", "{}", ["spec.type required", "spec.children required"]),
        KindCase("Group", #"{"type": "team"}"#, ["spec.children required"]),
        KindCase("Group", #"{"type": "team", "children": "a"}"#, ["spec.children type"]),
        KindCase("Group", #"{"type": "team", "children": [], "profile": "x"}"#, ["spec.profile type"]),
        KindCase("Group", #"{"type": "team", "children": [], "profile": {"displayName": 1, "email": ""}}"#,
                 ["spec.profile.displayName type", "spec.profile.email minLength"]),
        KindCase("Group", #"{"type": "team", "children": [], "parent": []}"#, ["spec.parent type"]),
        KindCase("Group", #"{"type": "team", "children": [], "members": "u"}"#, ["spec.members type"]),
        KindCase("User", "null", ["spec required"]),
        KindCase("User", "{}", ["spec.memberOf required"]),
        KindCase("User", #"{"memberOf": "g"}"#, ["spec.memberOf type"]),
        KindCase("User", #"{"memberOf": [], "profile": []}"#, ["spec.profile type"]),
        KindCase("User", #"{"memberOf": [], "profile": {"picture": 1}}"#, ["spec.profile.picture type"]),
        KindCase("Location", "null", ["spec required"]),
        KindCase("Location", #"{"target": 1}"#, ["spec.target type"]),
        KindCase("Location", #"{"type": ""}"#, ["spec.type minLength"]),
        KindCase("Location", #"{"targets": "x"}"#, ["spec.targets type"]),
        KindCase("Location", #"{"targets": ["a", 2]}"#, ["spec.targets[1] type"]),
        KindCase("Location", #"{"presence": "maybe"}"#, ["spec.presence enum"]),
        KindCase("Location", #"{"presence": true}"#, ["spec.presence type"]),
        KindCase("Location", #"{}"#, ["apiVersion enum"], apiVersion: "example.com/v1alpha1"),
    ]

    @Test(arguments: invalidKinds)
    func invalidKind(_ testCase: KindCase) throws {
        #expect(fieldRules(EntityValidator.validate(try testCase.entity())) == testCase.expected)
    }

    @Test func builtinKindLookupIgnoresCase() {
        #expect(BuiltinKind(kind: "Component") == .component)
        #expect(BuiltinKind(kind: "COMPONENT") == .component)
        #expect(BuiltinKind(kind: "api") == .api)
        #expect(BuiltinKind(kind: "Api") == .api)
        #expect(BuiltinKind(kind: "location") == .location)
        #expect(BuiltinKind(kind: "Template") == nil)
        #expect(BuiltinKind(kind: "Components") == nil)
        #expect(BuiltinKind(kind: "") == nil)
        #expect(BuiltinKind(kind: "Gr0up") == nil)
        #expect(BuiltinKind.allCases.count == 8)
    }

    // MARK: - Messages

    @Test func nameMessageFollowsBackstage() throws {
        var entity = Self.base
        entity.metadata.name = "invalid component"
        let errors = EntityValidator.validate(entity)
        try #require(errors.count == 1)
        #expect(errors[0].field == "metadata.name")
        #expect(errors[0].rule == "pattern")
        #expect(
            errors[0].message
                == #"metadata.name "invalid component" is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total"#
        )
    }

    @Test(arguments: [
        ("apiVersion", #"apiVersion "a#b" is not valid; expected a valid prefix and/or suffix"#),
        ("kind", #"kind "a#b" is not valid; expected a string that is a sequence of [a-zA-Z][a-z0-9A-Z]"#),
        ("namespace", #"metadata.namespace "a#b" is not valid; expected a string that is sequences of [a-z0-9] separated by [-]"#),
        ("labelKey", #"metadata.labels key "a#b" is not valid; expected a valid prefix and/or suffix"#),
        ("labelValue", #"metadata.labels.a "a#b" is not valid; expected an empty string or a string that is sequences of [a-zA-Z0-9]"#),
        ("annotationKey", #"metadata.annotations key "a#b" is not valid; expected a valid prefix and/or suffix"#),
        ("tag", #"metadata.tags[0] "A#b" is not valid; expected a string that is sequences of [a-z0-9:+#] separated by [-]"#),
    ])
    func messagesNameFieldValueAndRule(field: String, expectedPrefix: String) throws {
        var entity = makeEntity(kind: "Frob")
        switch field {
        case "apiVersion": entity.apiVersion = "a#b"
        case "kind": entity.kind = "a#b"
        case "namespace": entity.metadata.namespace = "a#b"
        case "labelKey": entity.metadata.labels = ["a#b": "v"]
        case "labelValue": entity.metadata.labels = ["a": "a#b"]
        case "annotationKey": entity.metadata.annotations = ["a#b": "v"]
        default: entity.metadata.tags = ["A#b"]
        }
        let errors = EntityValidator.validate(entity)
        try #require(errors.count == 1)
        #expect(errors[0].message.hasPrefix(expectedPrefix), "\(errors[0].message)")
        #expect(errors[0].description == errors[0].message)
    }

    @Test func specMessages() throws {
        let entity = makeEntity(kind: "Group", spec: ["type": 7, "children": ["", 1], "parent": ""])
        let messages = EntityValidator.validate(entity).map(\.message)
        #expect(messages == [
            "spec.type must be a string, not number",
            #"spec.parent "" is not valid; expected a non empty string"#,
            #"spec.children[0] "" is not valid; expected a non empty string"#,
            "spec.children[1] must be a string, not number",
        ])
        let user = makeEntity(kind: "User", spec: [:])
        #expect(EntityValidator.validate(user).map(\.message) == ["spec.memberOf is required for kind User"])
        let location = makeEntity(kind: "location", spec: ["presence": "maybe"])
        #expect(EntityValidator.validate(location).map(\.message) == [
            #"spec.presence "maybe" is not valid; expected one of "required", "optional""#
        ])
        let component = makeEntity(kind: "Component", apiVersion: "example.com/v1", spec: [:])
        #expect(EntityValidator.validate(component).map(\.message) == [
            #"apiVersion "example.com/v1" is not valid for kind Component; expected one of "backstage.io/v1alpha1", "backstage.io/v1beta1""#
        ])
        let api = makeEntity(kind: "API", spec: nil)
        #expect(EntityValidator.validate(api).map(\.message) == ["spec is required for kind API"])
    }

    @Test func longValuesAreCutInMessages() throws {
        var entity = Self.base
        entity.metadata.name = repeated("a", 100_000)
        let errors = EntityValidator.validate(entity)
        try #require(errors.count == 1)
        #expect(errors[0].rule == "length")
        #expect(errors[0].message.count < 400)
        #expect(errors[0].message.contains("…"))
    }

    @Test func nonASCIIIsAPatternErrorNotALengthError() {
        var entity = Self.base
        entity.metadata.name = repeated("é", 40)
        #expect(fieldRules(EntityValidator.validate(entity)) == ["metadata.name pattern"])
    }

    /// Decoding and validation together: the decoder rejects wrong JSON types, the validator the rest.
    @Test func decodedEntityValidates() throws {
        let entity = try decodeEntity(#"""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
             "metadata": {"name": "artist-lookup", "tags": ["java", "data"], "labels": {"a": ""}},
             "spec": {"type": "service", "lifecycle": "experimental", "owner": "team-a"}}
            """#)
        #expect(EntityValidator.validate(entity).isEmpty)
    }
}
