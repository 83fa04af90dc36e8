import CallboardConfig
import CatalogModel
import Foundation
import Testing

@Suite("YAML scalars follow the YAML 1.2 core schema")
struct YAMLScalarTests {
    static let cases: [(String, JSONValue)] = [
        ("42", .int(42)),
        ("-7", .int(-7)),
        ("+7", .int(7)),
        ("0x1F", .int(31)),
        ("0o17", .int(15)),
        ("1.5", .double(1.5)),
        ("1e3", .double(1000)),
        (".5", .double(0.5)),
        ("true", .bool(true)),
        ("False", .bool(false)),
        ("TRUE", .bool(true)),
        ("null", .null),
        ("~", .null),
        ("", .null),
        ("yes", .string("yes")),
        ("off", .string("off")),
        ("'7007'", .string("7007")),
        ("\"true\"", .string("true")),
        ("2024-01-02", .string("2024-01-02")),
        ("0b101", .string("0b101")),
        ("1:30", .string("1:30")),
        ("hello world", .string("hello world")),
        ("!!str 12", .string("12")),
        ("!!int '12'", .int(12)),
        ("!Ref thing", .string("thing")),
        ("|\n  multi\n  line", .string("multi\nline")),
    ]

    @Test(arguments: cases)
    func scalar(yaml: String, expected: JSONValue) throws {
        let parsed = try parseYAML("value: \(yaml)")
        #expect(parsed["value"] == expected)
    }

    @Test func specialFloats() throws {
        let parsed = try parseYAML("a: .inf\nb: -.Inf\nc: .nan")
        #expect(parsed["a"] == .double(.infinity))
        #expect(parsed["b"] == .double(-.infinity))
        guard case .double(let nan)? = parsed["c"] else {
            Issue.record("expected a double")
            return
        }
        #expect(nan.isNaN)
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let parsed = try parseYAML(
            """
            base: &base
              host: localhost
              port: 5432
            copy: *base
            derived:
              <<: *base
              port: 6543
            """
        )
        #expect(parsed["copy"] == ["host": "localhost", "port": 5432])
        #expect(parsed["derived"] == ["host": "localhost", "port": 6543])
    }

    @Test func numericKeysBecomeStrings() throws {
        let parsed = try parseYAML("codes:\n  200: ok\n  true: yes")
        #expect(parsed["codes"] == ["200": "ok", "true": "yes"])
    }

    @Test func renderRoundTrips() throws {
        let value: JSONValue = [
            "string": "plain",
            "numeric": "7007",
            "boolish": "true",
            "yes": "yes",
            "empty": "",
            "int": 7007,
            "double": 1.5,
            "wholeDouble": 2.0,
            "bool": false,
            "null": nil,
            "list": ["a", 1, ["nested": "x: y"]],
            "multiline": "line 1\nline 2",
            "colon": "a: b",
            "hash": "# not a comment",
        ]
        let yaml = ConfigYAML.render(value)
        #expect(try parseYAML(yaml) == value)
        #expect(yaml.contains("numeric: '7007'"))
        #expect(yaml.contains("int: 7007"))
    }
}

@Suite("Loading files")
struct ConfigLoaderFileTests {
    @Test func missingFileNamesTheFile() throws {
        let error = configError { try ConfigLoader.load(files: ["/nonexistent/app-config.yaml"], environment: [:]) }
        #expect(error?.code == .missingFile)
        #expect(error?.message == "configuration file /nonexistent/app-config.yaml does not exist")
    }

    @Test(arguments: [
        ("backend:\n  listen: { port: 7007\n", 3),
        ("backend:\n  baseUrl: x\n   listen: 3\n", 3),
        ("a: 1\na: 2\n", 1),
        ("a: [1, 2\n", 2),
        ("a: 1\n---\nb: 2\n", 2),
    ])
    func syntaxErrorNamesFileAndLine(yaml: String, line: Int) throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let file = try directory.write("broken.yaml", yaml)
        let error = configError { try ConfigLoader.load(files: [file], environment: [:]) }
        #expect(error?.code == .syntax)
        #expect(error?.message.hasPrefix("\(file):\(line):") == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("\n") == false)
    }

    @Test func topLevelMustBeAMapping() throws {
        let error = configError { try loadYAML(["- a\n- b\n"]) }
        #expect(error?.code == .syntax)
        #expect(error?.message.contains("the top level must be a mapping") == true)
    }

    @Test func emptyFileIsAnEmptyObject() throws {
        #expect(try loadYAML(["", "# only a comment\n"]) == .object([:]))
        #expect(try ConfigLoader.load(files: [], environment: [:]) == .object([:]))
    }

    @Test func fileAndIncludeDirectivesResolveRelativeToTheFile() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        try directory.write("secrets/token.txt", "s3cret-token")
        try directory.write("secrets/db.yaml", "host: db.internal\nport: 5433\n")
        let main = try directory.write(
            "app-config.yaml",
            """
            backend:
              database:
                client: pg
                connection:
                  $include: secrets/db.yaml
            other:
              token:
                $file: secrets/token.txt
            """
        )
        let root = try ConfigLoader.load(files: [main], environment: [:])
        #expect(root.value(atPath: "backend.database.connection") == ["host": "db.internal", "port": 5433])
        #expect(root.value(atPath: "other.token") == "s3cret-token")
    }

    @Test func missingDirectiveTargetNamesTheKey() throws {
        let error = configError { try loadYAML(["catalog:\n  key:\n    $file: /nonexistent/key.pem\n"]) }
        #expect(error?.code == .missingFile)
        #expect(error?.message == "catalog.key: file /nonexistent/key.pem does not exist")
    }
}

@Suite("Merging files")
struct ConfigMergeTests {
    static let cases: [([String], JSONValue)] = [
        // objects merge key by key
        (["a:\n  x: 1\n  y: 2", "a:\n  y: 3\n  z: 4"], ["a": ["x": 1, "y": 3, "z": 4]]),
        // arrays replace
        (["list: [1, 2, 3]", "list: [4]"], ["list": [4]]),
        // scalars replace, types may change
        (["a: 1", "a: two"], ["a": "two"]),
        // an object replaces a scalar and the other way round
        (["a: 1", "a: { b: 2 }"], ["a": ["b": 2]]),
        (["a: { b: 2 }", "a: 1"], ["a": 1]),
        // null in a later file replaces (unsets)
        (["a: { b: 2 }", "a: null"], ["a": nil]),
        // deep merge across three files, later wins
        (
            ["backend:\n  listen: { port: 1 }\n  baseUrl: x", "backend:\n  listen: { host: h }", "backend:\n  listen: { port: 3 }"],
            ["backend": ["listen": ["port": 3, "host": "h"], "baseUrl": "x"]]
        ),
        // keys absent from the later file are kept
        (["a: 1\nb: 2", "c: 3"], ["a": 1, "b": 2, "c": 3]),
    ]

    @Test(arguments: cases)
    func merge(files: [String], expected: JSONValue) throws {
        #expect(try loadYAML(files) == expected)
    }
}

@Suite("Environment substitution")
struct ConfigSubstitutionTests {
    static let environment = ["HOST": "db.example.com", "PORT": "5432", "EMPTY": "", "TOKEN": "abc-123-xyz"]

    @Test(arguments: [
        ("${HOST}", "db.example.com"),
        ("${ HOST }", "db.example.com"),
        ("postgresql://${HOST}:${PORT}/catalog", "postgresql://db.example.com:5432/catalog"),
        ("$${HOST}", "${HOST}"),
        ("a $${HOST} b ${PORT}", "a ${HOST} b 5432"),
        ("x${EMPTY}y", "xy"),
        ("no reference", "no reference"),
        ("cost: $5", "cost: $5"),
        ("unterminated ${HOST", "unterminated ${HOST"),
        ("$$", "$$"),
        ("${PORT}${PORT}", "54325432"),
    ])
    func substitutes(input: String, expected: String) throws {
        let root = try ConfigLoader.substitute(["catalog": ["value": .string(input)]], environment: Self.environment).root
        #expect(root.value(atPath: "catalog.value") == .string(expected))
    }

    @Test func substitutedNumbersStayStrings() throws {
        let root = try loadYAML(["backend:\n  listen:\n    port: ${PORT}\n"], environment: Self.environment)
        #expect(root.value(atPath: "backend.listen.port") == "5432")
        let config = try CallboardConfiguration(root: root)
        #expect(config.backend.listen.port == 5432)
    }

    @Test func flowCollectionsMayHoldReferences() throws {
        // Strict YAML ends a plain scalar at '{' or '}' inside a flow collection; SPEC writes
        // `{ token: ${CALLBOARD_TOKEN}, subject: ops }` anyway, so it has to work.
        let root = try loadYAML(
            ["catalog:\n  a: { token: ${TOKEN}, subject: ops }\n  b: [${HOST}, '${PORT}', $${HOST}, x${PORT}y]\n  ${HOST}: key\n"],
            environment: Self.environment
        )
        #expect(root.value(atPath: "catalog.a") == ["token": "abc-123-xyz", "subject": "ops"])
        #expect(root.value(atPath: "catalog.b") == ["db.example.com", "5432", "${HOST}", "x5432y"])
        #expect(root.value(atPath: "catalog")?["${HOST}"] == "key")
    }

    @Test func envDirective() throws {
        let root = try loadYAML(["catalog:\n  token:\n    $env: TOKEN\n"], environment: Self.environment)
        #expect(root.value(atPath: "catalog.token") == "abc-123-xyz")
    }

    @Test(arguments: [
        (
            "backend:\n  auth:\n    externalAccess:\n      - type: static\n        options:\n          token: ${CALLBOARD_TOKEN}\n          subject: ops\n",
            "backend.auth.externalAccess[0].options.token: environment variable CALLBOARD_TOKEN is not set"
        ),
        (
            "events:\n  modules:\n    github:\n      webhookSecret: [${S1}, x]\n",
            "events.modules.github.webhookSecret[0]: environment variable S1 is not set"
        ),
        (
            "catalog:\n  providers:\n    frobs:\n      url: https://${FROBS_HOST}/data\n",
            "catalog.providers.frobs.url: environment variable FROBS_HOST is not set"
        ),
        (
            "integrations:\n  github:\n    - host: github.com\n      token: { $env: GITHUB_TOKEN }\n",
            "integrations.github[0].token: environment variable GITHUB_TOKEN is not set"
        ),
    ])
    func missingVariableNamesTheKey(yaml: String, message: String) throws {
        let error = configError { try loadYAML([yaml], environment: Self.environment) }
        #expect(error?.code == .missingVariable)
        #expect(error?.message == message)
    }

    @Test func laterFileOverridesAValueWithAMissingVariable() throws {
        let root = try loadYAML(
            ["backend:\n  baseUrl: ${BASE_URL}\n", "backend:\n  baseUrl: http://localhost:7007\n"], environment: [:]
        )
        #expect(root.value(atPath: "backend.baseUrl") == "http://localhost:7007")
    }

    @Test func missingVariableOutsideCallboardSectionsIsDroppedWithAWarning() throws {
        let directory = try FixtureDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "app-config.yaml",
            """
            app:
              title: Portal
              analytics: ${GA_ID}
            auth:
              providers:
                github:
                  development:
                    clientSecret: ${AUTH_GITHUB_CLIENT_SECRET}
            backend:
              cors:
                origin: ${FRONTEND_URL}
              listen: { port: 7007 }
            """
        )
        let loaded = try ConfigLoader.loadWithWarnings(files: [file], environment: [:])
        #expect(loaded.root.value(atPath: "app") == ["title": "Portal"])
        #expect(loaded.root.value(atPath: "backend.cors") == .object([:]))
        let configuration = try CallboardConfiguration.load(files: [file], environment: [:])
        #expect(configuration.warnings == loaded.warnings)
        #expect(configuration.backend.listen.port == 7007)
        #expect(loaded.warnings == [
            "app.analytics: environment variable GA_ID is not set; the value is ignored",
            "auth.providers.github.development.clientSecret: environment variable AUTH_GITHUB_CLIENT_SECRET is not set; the value is ignored",
            "backend.cors.origin: environment variable FRONTEND_URL is not set; the value is ignored",
        ])
    }
}

@Suite("A shared Backstage app-config")
struct SharedBackstageConfigTests {
    @Test func unknownSectionsAreIgnored() throws {
        let config = try configuration(
            """
            app:
              title: Scaffolded Backstage App
              baseUrl: http://localhost:3000
            organization:
              name: My Company
            backend:
              baseUrl: http://localhost:7007
              listen:
                port: 7007
              csp:
                connect-src: ["'self'", 'http:', 'https:']
              cors:
                origin: http://localhost:3000
                methods: [GET, HEAD, PATCH, POST, PUT, DELETE]
                credentials: true
              database:
                client: better-sqlite3
                connection: ':memory:'
              auth:
                keys:
                  - secret: a-backend-secret
            integrations:
              github:
                - host: github.com
                  token: ghp_example
            techdocs:
              builder: 'local'
              generator:
                runIn: 'docker'
              publisher:
                type: 'local'
            catalog:
              import:
                entityFilename: catalog-info.yaml
              rules:
                - allow: [Component, System, API, Resource, Location]
              locations:
                - type: file
                  target: ../../examples/entities.yaml
                - type: url
                  target: https://github.com/backstage/backstage/blob/master/catalog-info.yaml
                  rules:
                    - allow: [User, Group]
            """
        )
        #expect(config.backend.baseUrl == "http://localhost:7007")
        #expect(config.backend.database == .sqlite(.inMemory))
        #expect(config.backend.auth.isEnabled == false)
        #expect(config.catalog.locations.count == 2)
        #expect(config.catalog.locations[1].allowedKinds == ["User", "Group"])
        #expect(config.ignoredKeys == ["backend.auth.keys", "catalog.import", "catalog.rules"])
        #expect(config.root.child("integrations").value.arrayValue == nil)
        #expect(try config.root.object("integrations").array("github").count == 1)
    }
}
