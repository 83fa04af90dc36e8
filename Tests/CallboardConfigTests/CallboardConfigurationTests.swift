import CallboardConfig
import CatalogModel
import Testing

typealias Config = CallboardConfiguration

/// One bad-value case: the YAML, the expected error code and the exact message.
struct BadCase: CustomTestStringConvertible, Sendable {
    var yaml: String
    var code: ConfigError.Code
    var message: String
    var environment: [String: String] = [:]

    init(_ yaml: String, _ code: ConfigError.Code, _ message: String, environment: [String: String] = [:]) {
        self.yaml = yaml
        self.code = code
        self.message = message
        self.environment = environment
    }

    var testDescription: String { message }

    func check() {
        let error = configError { try configuration(yaml, environment: environment) }
        #expect(error?.code == code, "\(yaml)")
        #expect(error?.message == message, "\(yaml)")
    }
}

@Suite("Defaults")
struct DefaultsTests {
    @Test func emptyConfigurationGivesSpecDefaults() throws {
        let config = try CallboardConfiguration(root: .object([:]))
        #expect(config == CallboardConfiguration())
        #expect(config.backend.listen == Config.Listen(host: "0.0.0.0", port: 7007))
        #expect(config.backend.baseUrl == nil)
        #expect(config.backend.database == .sqlite(.directory("./data")))
        #expect(config.backend.shutdownGrace == .seconds(10))
        #expect(config.backend.reading.allow.isEmpty)
        #expect(config.backend.auth.isEnabled == false)
        #expect(config.backend.auth.protectReads == false)
        #expect(config.events.topics.isEmpty)
        #expect(config.events.delivery == Config.Delivery(maxAttempts: 5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(30)))
        #expect(config.events.retention.maxAge == .seconds(7 * 86_400))
        #expect(config.events.retention.maxEvents == 1_000_000)
        #expect(config.events.retention.maxBytes == 2_147_483_648)
        #expect(config.events.retention.staleSubscriberAfter == .seconds(7 * 86_400))
        #expect(config.catalog.locationRefresh == .seconds(1800))
        #expect(config.catalog.readonly == false)
        #expect(config.catalog.providers.isEmpty)
        #expect(config.ignoredKeys.isEmpty)
    }

    @Test func rootMustBeAnObject() {
        #expect(configError { try CallboardConfiguration(root: [1]) }?.message == "the configuration must be an object, found a array")
    }

    @Test func specExampleParses() throws {
        let config = try configuration(
            """
            backend:
              baseUrl: http://localhost:7007/
              listen: { host: 0.0.0.0, port: 7007 }
              database:
                client: sqlite
                connection: { directory: ./data }
              reading:
                allow: [{ host: 'example.com' }, { host: '*.example.com', paths: ['/data'] }, { host: '127.0.0.1:8000-9000' }]
              auth:
                externalAccess:
                  - type: static
                    options: { token: ${CALLBOARD_TOKEN}, subject: ops }
                protectReads: false
            events:
              http:
                topics:
                  - frobs
                  - topic: partners
                    maxBodyBytes: 1048576
                    validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [${S1}, ${S2}] }
                    idempotencyKey: { header: x-delivery-id }
                    rateLimit: { perSecond: 200, burst: 400 }
              modules:
                github: { webhookSecret: ${GITHUB_WEBHOOK_SECRET} }
                gitlab: { webhookSecret: ${GITLAB_TOKEN} }
              delivery: { maxAttempts: 5, initialBackoff: 200ms, maxBackoff: 30s }
              retention: { maxAge: 7d, maxEvents: 1000000, maxBytes: 2GiB, staleSubscriberAfter: 7d }
            catalog:
              providers:
                frobs:
                  production:
                    url: https://frobs-{env}.example.com/data
                    eventUrl: https://frobs-{id}.example.com/data
                    schedule: { frequency: { minutes: 30 }, timeout: { minutes: 3 }, initialDelay: { seconds: 5 } }
            """,
            environment: [
                "CALLBOARD_TOKEN": "token-0123456789", "S1": "first-secret", "S2": "second-secret",
                "GITHUB_WEBHOOK_SECRET": "gh-secret", "GITLAB_TOKEN": "gl-secret",
            ]
        )
        #expect(config.backend.baseUrl == "http://localhost:7007")
        #expect(config.backend.reading.allow.map(\.pattern) == ["example.com", "*.example.com", "127.0.0.1:8000-9000"])
        #expect(config.backend.reading.allow[2].ports == 8000...9000)
        #expect(config.backend.reading.allow[1].paths == ["/data"])
        #expect(config.backend.auth.externalAccess == [Config.StaticAccess(token: ConfigSecret("token-0123456789"), subject: "ops")])
        #expect(config.events.topics.map(\.name) == ["github", "gitlab", "frobs", "partners"])
        let partners = try #require(config.events.topic(named: "partners"))
        #expect(partners.maxBodyBytes == 1_048_576)
        #expect(partners.validator == Config.Validator(kind: .hmacSHA256, header: "x-signature", prefix: "sha256=", secrets: [ConfigSecret("first-secret"), ConfigSecret("second-secret")]))
        #expect(partners.idempotencyKey == .header("x-delivery-id"))
        #expect(partners.rateLimit == Config.RateLimit(perSecond: 200, burst: 400))
        #expect(config.events.topic(named: "frobs") == Config.Topic(name: "frobs"))
        #expect(config.events.github?.webhookSecrets == [ConfigSecret("gh-secret")])
        #expect(config.events.github?.topic.validator?.header == "x-hub-signature-256")
        #expect(config.events.gitlab?.topic.validator?.kind == .gitlab)
        let frobs = try #require(config.catalog.provider("frobs"))
        #expect(frobs.path == "catalog.providers.frobs")
        let production = try frobs.object("production")
        #expect(try production.string("url") == "https://frobs-{env}.example.com/data")
        #expect(try production.schedule("schedule").frequency == .every(.seconds(1800)))
    }
}

@Suite("backend")
struct BackendConfigTests {
    @Test(arguments: [
        ("listen: { host: 127.0.0.1, port: 8080 }", Config.Listen(host: "127.0.0.1", port: 8080)),
        ("listen: { port: 0 }", Config.Listen(host: "0.0.0.0", port: 0)),
        ("listen: { host: '::1' }", Config.Listen(host: "::1", port: 7007)),
        ("listen: 9000", Config.Listen(port: 9000)),
        ("listen: ':7008'", Config.Listen(port: 7008)),
        ("listen: '7009'", Config.Listen(port: 7009)),
        ("listen: '127.0.0.1:7010'", Config.Listen(host: "127.0.0.1", port: 7010)),
        ("listen: '[::1]:7011'", Config.Listen(host: "::1", port: 7011)),
        ("listen: { port: '8081' }", Config.Listen(port: 8081)),
        ("listen: { port: 65535 }", Config.Listen(port: 65535)),
    ])
    func listen(yaml: String, expected: Config.Listen) throws {
        #expect(try configuration("backend:\n  \(yaml)\n").backend.listen == expected)
    }

    @Test(arguments: [
        ("baseUrl: https://callboard.example.com", "https://callboard.example.com"),
        ("baseUrl: http://localhost:7007/", "http://localhost:7007"),
    ])
    func baseUrl(yaml: String, expected: String) throws {
        #expect(try configuration("backend:\n  \(yaml)\n").backend.baseUrl == expected)
    }

    @Test(arguments: [
        ("shutdownGrace: 30s", Duration.seconds(30)),
        ("shutdownGrace: { seconds: 2 }", .seconds(2)),
        ("shutdownGrace: PT1M", .seconds(60)),
        ("shutdownGrace: 0s", .zero),
    ])
    func shutdownGrace(yaml: String, expected: Duration) throws {
        #expect(try configuration("backend:\n  \(yaml)\n").backend.shutdownGrace == expected)
    }

    @Test(arguments: [
        ("", Config.Database.sqlite(.directory("./data"))),
        ("database: { client: sqlite }", .sqlite(.directory("./data"))),
        ("database: { client: better-sqlite3, connection: ':memory:' }", .sqlite(.inMemory)),
        ("database: { client: sqlite, connection: { filename: ':memory:' } }", .sqlite(.inMemory)),
        ("database: { client: sqlite, connection: { directory: /var/lib/callboard } }", .sqlite(.directory("/var/lib/callboard"))),
        ("database: { connection: { directory: ./db } }", .sqlite(.directory("./db"))),
        (
            "database: { client: pg, connection: 'postgresql://cb:p%40ss@db.internal:5433/callboard?sslmode=require' }",
            .postgres(Config.PostgresConnection(host: "db.internal", port: 5433, user: "cb", password: ConfigSecret("p@ss"), database: "callboard", options: ["sslmode": "require"]))
        ),
        (
            "database: { client: pg, connection: 'postgres://db.internal' }",
            .postgres(Config.PostgresConnection(host: "db.internal"))
        ),
        (
            "database: { client: pg, connection: { host: db, port: '6432', user: cb, password: pw, database: cat } }",
            .postgres(Config.PostgresConnection(host: "db", port: 6432, user: "cb", password: ConfigSecret("pw"), database: "cat"))
        ),
        (
            "database: { client: pg, connection: { host: db, ssl: { rejectUnauthorized: false } } }",
            .postgres(Config.PostgresConnection(host: "db", ssl: .init(rejectUnauthorized: false)))
        ),
        (
            "database: { client: pg, connection: { host: db, ssl: true } }",
            .postgres(Config.PostgresConnection(host: "db", ssl: .init()))
        ),
    ])
    func database(yaml: String, expected: Config.Database) throws {
        #expect(try configuration("backend:\n  \(yaml)\n").backend.database == expected)
    }

    @Test func postgresDescriptionHidesThePassword() {
        let connection = Config.PostgresConnection(host: "db", user: "cb", password: ConfigSecret("hunter2"), database: "cat")
        #expect(connection.description == "postgresql://cb:<redacted>@db:5432/cat")
        #expect(!"\(Config.Database.postgres(connection))".contains("hunter2"))
        #expect(!String(reflecting: connection).contains("hunter2"))
    }

    @Test func databaseBackstageKeysAreIgnoredButListed() throws {
        let config = try configuration(
            "backend:\n  database:\n    client: pg\n    connection: postgresql://localhost/x\n    ensureExists: true\n    knexConfig: { pool: { min: 1 } }\n"
        )
        #expect(config.ignoredKeys == ["backend.database.ensureExists", "backend.database.knexConfig"])
    }

    @Test func otherBackendKeysAreIgnored() throws {
        let config = try configuration(
            "backend:\n  cors: { origin: '*' }\n  csp: { connect-src: [x] }\n  cache: { store: memory }\n  https: { certificate: {} }\n"
        )
        #expect(config.backend == Config.Backend())
    }

    @Test(arguments: [
        BadCase("backend:\n  listen: { port: 70000 }", .invalidValue, "backend.listen.port: expected an integer from 0 to 65535, got 70000"),
        BadCase("backend:\n  listen: { port: -1 }", .invalidValue, "backend.listen.port: expected an integer from 0 to 65535, got -1"),
        BadCase("backend:\n  listen: { port: http }", .invalidValue, "backend.listen.port: expected an integer from 0 to 65535, got 'http'"),
        BadCase("backend:\n  listen: { prot: 7007 }", .unknownKey, "backend.listen.prot: unknown key (expected one of: host, port)"),
        BadCase("backend:\n  listen: ':http'", .invalidValue, "backend.listen: expected a port such as 7007, ':7007' or '127.0.0.1:7007', or { host, port }, got ':http'"),
        BadCase("backend:\n  listen: 99999", .invalidValue, "backend.listen: expected an integer from 0 to 65535, got 99999"),
        BadCase("backend:\n  listen: [7007]", .invalidValue, "backend.listen: expected { host, port }, a port number or a ':port' string, got a list"),
        BadCase("backend:\n  listen:\n    port: ${PORT}", .invalidValue, "backend.listen.port: expected an integer from 0 to 65535, got 'seven'", environment: ["PORT": "seven"]),
        BadCase("backend:\n  baseUrl: localhost:7007", .invalidValue, "backend.baseUrl: expected an http:// or https:// URL such as http://localhost:7007, got 'localhost:7007'"),
        BadCase("backend:\n  baseUrl: 7007", .invalidValue, "backend.baseUrl: expected a string, got 7007"),
        BadCase("backend:\n  shutdownGrace: soon", .invalidValue, "backend.shutdownGrace: expected a duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got 'soon'"),
        BadCase("backend:\n  database: { client: mysql }", .invalidValue, "backend.database.client: expected one of sqlite, better-sqlite3, sqlite3, pg, got 'mysql'"),
        BadCase("backend:\n  database: { clinet: pg }", .unknownKey, "backend.database.clinet: unknown key (expected one of: client, connection, ensureExists, ensureSchemaExists, knexConfig, plugin, pluginDivisionMode, prefix, role, skipMigrations)"),
        BadCase("backend:\n  database: { client: pg }", .missingKey, "backend.database.connection: missing required value (expected a postgresql:// URL or { host, port, user, password, database })"),
        BadCase("backend:\n  database: { client: pg, connection: 'mysql://u:hunter2@h/db' }", .invalidValue, "backend.database.connection: expected a URL such as postgresql://user:password@host:5432/database"),
        BadCase("backend:\n  database: { client: pg, connection: { host: db, pasword: x } }", .unknownKey, "backend.database.connection.pasword: unknown key (expected one of: database, host, password, port, ssl, user)"),
        BadCase("backend:\n  database: { client: pg, connection: { host: db, port: 0 } }", .invalidValue, "backend.database.connection.port: expected an integer from 1 to 65535, got 0"),
        BadCase("backend:\n  database: { client: sqlite, connection: ./db.sqlite }", .invalidValue, "backend.database.connection: expected ':memory:' or { directory: PATH } (Callboard keeps one SQLite file per plugin in a directory), got './db.sqlite'"),
        BadCase("backend:\n  database: { client: sqlite, connection: { filename: ./db.sqlite } }", .invalidValue, "backend.database.connection.filename: expected ':memory:' (for files, use directory: PATH; Callboard keeps one SQLite file per plugin), got './db.sqlite'"),
        BadCase("backend:\n  database: { client: sqlite, connection: { dir: ./db } }", .unknownKey, "backend.database.connection.dir: unknown key (expected one of: directory, filename)"),
        BadCase("backend:\n  database: { client: sqlite, connection: {} }", .missingKey, "backend.database.connection: missing required value directory (or filename: ':memory:')"),
        BadCase("backend:\n  database: sqlite", .invalidValue, "backend.database: expected an object, got 'sqlite'"),
    ])
    func badValues(_ bad: BadCase) {
        bad.check()
    }

    @Test func postgresURLErrorsDoNotLeakThePassword() {
        let error = configError {
            try configuration("backend:\n  database: { client: pg, connection: 'postgresql://u:hunter2@h:99999/db' }")
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains("hunter2") == false)
    }
}

@Suite("backend.reading")
struct ReadingConfigTests {
    @Test(arguments: [
        ("{ host: example.com }", Config.ReadingAllowRule(pattern: "example.com", host: "example.com")),
        ("{ host: '*.Example.com', paths: [/data, /x/] }", Config.ReadingAllowRule(pattern: "*.Example.com", host: "*.example.com", paths: ["/data", "/x/"])),
        ("{ host: 'localhost:8080' }", Config.ReadingAllowRule(pattern: "localhost:8080", host: "localhost", ports: 8080...8080)),
        ("{ host: '127.0.0.1:8000-9000' }", Config.ReadingAllowRule(pattern: "127.0.0.1:8000-9000", host: "127.0.0.1", ports: 8000...9000)),
        ("{ host: '[::1]:8080' }", Config.ReadingAllowRule(pattern: "[::1]:8080", host: "::1", ports: 8080...8080)),
    ])
    func allowRules(yaml: String, expected: Config.ReadingAllowRule) throws {
        #expect(try configuration("backend:\n  reading:\n    allow: [\(yaml)]\n").backend.reading.allow == [expected])
    }

    @Test(arguments: [
        BadCase("backend:\n  reading:\n    allow: [{ hots: example.com }]", .unknownKey, "backend.reading.allow[0].hots: unknown key (expected one of: host, paths)"),
        BadCase("backend:\n  reading:\n    allow: [{ paths: [/x] }]", .missingKey, "backend.reading.allow[0].host: missing required value (expected a string)"),
        BadCase("backend:\n  reading:\n    allow: [{ host: 'example.com:9000-8000' }]", .invalidValue, "backend.reading.allow[0].host: expected a host such as example.com, *.example.com, example.com:8080 or 127.0.0.1:8000-9000, got 'example.com:9000-8000'"),
        BadCase("backend:\n  reading:\n    allow: [{ host: 'https://example.com' }]", .invalidValue, "backend.reading.allow[0].host: expected a host such as example.com, *.example.com, example.com:8080 or 127.0.0.1:8000-9000, got 'https://example.com'"),
        BadCase("backend:\n  reading:\n    allow: [{ host: '*' }]", .invalidValue, "backend.reading.allow[0].host: expected a host such as example.com, *.example.com, example.com:8080 or 127.0.0.1:8000-9000, got '*'"),
        BadCase("backend:\n  reading:\n    allow: [{ host: example.com, paths: [data] }]", .invalidValue, "backend.reading.allow[0].paths[0]: expected a path starting with /, got 'data'"),
        BadCase("backend:\n  reading:\n    allow: example.com", .invalidValue, "backend.reading.allow: expected a list, got 'example.com'"),
        BadCase("backend:\n  reading:\n    deny: []", .unknownKey, "backend.reading.deny: unknown key (expected one of: allow)"),
    ])
    func badValues(_ bad: BadCase) {
        bad.check()
    }
}

@Suite("backend.auth")
struct AuthConfigTests {
    @Test func staticTokens() throws {
        let config = try configuration(
            """
            backend:
              auth:
                protectReads: true
                externalAccess:
                  - type: static
                    options: { token: first-token-123, subject: ops }
                  - type: static
                    options: { token: second-token-456, subject: ci }
            """
        )
        #expect(config.backend.auth.isEnabled)
        #expect(config.backend.auth.protectReads)
        #expect(config.backend.auth.externalAccess.map(\.subject) == ["ops", "ci"])
        #expect(config.backend.auth.externalAccess.map(\.token.value) == ["first-token-123", "second-token-456"])
        #expect(!"\(config.backend.auth)".contains("first-token-123"))
    }

    @Test(arguments: [
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: short, subject: ops }", .invalidValue, "backend.auth.externalAccess[0].options.token: a token must be at least 8 characters long and contain no whitespace"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: 'has a space', subject: ops }", .invalidValue, "backend.auth.externalAccess[0].options.token: a token must be at least 8 characters long and contain no whitespace"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: long-enough-token }", .missingKey, "backend.auth.externalAccess[0].options.subject: missing required value (expected a string)"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: long-enough-token, subject: ops, sub: x }", .unknownKey, "backend.auth.externalAccess[0].options.sub: unknown key (expected one of: subject, token)"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: legacy\n        options: { secret: abc }", .invalidValue, "backend.auth.externalAccess[0].type: unsupported access type 'legacy' (Callboard supports static)"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: long-enough-token, subject: ops }\n        accessRestrictions: [{ plugin: catalog }]", .unknownKey, "backend.auth.externalAccess[0].accessRestrictions: unknown key (expected one of: options, type)"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - options: { token: long-enough-token, subject: ops }", .missingKey, "backend.auth.externalAccess[0].type: missing required value (expected static)"),
        BadCase("backend:\n  auth:\n    externalAccess: []", .invalidValue, "backend.auth.externalAccess: expected at least one { type: static, options: { token, subject } } entry (remove the key to leave admin routes open)"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: same-token-123, subject: a }\n      - type: static\n        options: { token: same-token-123, subject: b }", .invalidValue, "backend.auth.externalAccess[1].options.token: the same token is configured twice"),
        BadCase("backend:\n  auth:\n    protectReads: yes", .invalidValue, "backend.auth.protectReads: expected true or false, got 'yes'"),
        BadCase("backend:\n  auth:\n    protectReads: true", .invalidValue, "backend.auth.protectReads: needs backend.auth.externalAccess tokens to be configured"),
        BadCase("backend:\n  auth:\n    externalAccess:\n      - type: static\n        options: { token: 12345678, subject: ops }", .invalidValue, "backend.auth.externalAccess[0].options.token: expected a string, got a number"),
        BadCase("backend:\n  auth:\n    protectRead: true", .unknownKey, "backend.auth.protectRead: unknown key (expected one of: dangerouslyDisableDefaultAuthPolicy, externalAccess, keys, omitIdentityTokenOwnershipClaim, pluginKeyStore, protectReads)"),
    ])
    func badValues(_ bad: BadCase) {
        bad.check()
    }
}

@Suite("events")
struct EventsConfigTests {
    @Test func topicForms() throws {
        let config = try configuration(
            """
            events:
              http:
                topics:
                  - plain
                  - topic: gh-like
                    validator: { type: github, secret: abc }
                  - topic: std
                    maxBodyBytes: 64KiB
                    validator: { type: standard-webhooks, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, 'dGVzdA=='] }
                    idempotencyKey: { jsonPath: "$.data['id']" }
                    rateLimit: { perSecond: 2.5 }
                  - topic: gl
                    validator: { type: gitlab, secrets: token-value, header: X-My-Token }
            """
        )
        let topics = config.events.httpTopics
        #expect(topics.map(\.name) == ["plain", "gh-like", "std", "gl"])
        #expect(topics[0] == Config.Topic(name: "plain", maxBodyBytes: 5 * 1024 * 1024))
        #expect(topics[1].validator == Config.Validator(kind: .github, header: "x-hub-signature-256", prefix: "sha256=", secrets: [ConfigSecret("abc")]))
        #expect(topics[2].maxBodyBytes == 65_536)
        #expect(topics[2].validator?.header == "webhook-signature")
        #expect(topics[2].validator?.secrets.count == 2)
        #expect(topics[2].rateLimit == Config.RateLimit(perSecond: 2.5, burst: 3))
        guard case .jsonPath(let path)? = topics[2].idempotencyKey else {
            Issue.record("expected a JSON path")
            return
        }
        #expect(path.components == [.key("data"), .key("id")])
        #expect(path.value(in: ["data": ["id": "evt-1"]]) == "evt-1")
        #expect(topics[3].validator?.header == "x-my-token")
    }

    @Test func modules() throws {
        let config = try configuration(
            """
            events:
              http:
                topics: [github, frobs]
              modules:
                github:
                  webhookSecret: [new-secret, old-secret]
                  maxBodyBytes: 25MiB
                  idempotencyKey: { header: X-GitHub-Delivery }
                  rateLimit: { perSecond: 50, burst: 100 }
                gitlab:
                  webhookSecret: gl-secret
                azureDevOps:
                  webhookSecret: anything
                  whatever: { nested: true }
              useEventBus: never
            """
        )
        let github = try #require(config.events.github)
        #expect(github.webhookSecrets.map(\.value) == ["new-secret", "old-secret"])
        #expect(github.topic.maxBodyBytes == 25 * 1024 * 1024)
        #expect(github.topic.idempotencyKey == .header("x-github-delivery"))
        #expect(github.topic.validator?.kind == .github)
        #expect(config.events.gitlab?.topic.validator == Config.Validator(kind: .gitlab, secrets: [ConfigSecret("gl-secret")]))
        #expect(config.events.gitlab?.topic.validator?.header == "x-gitlab-token")
        #expect(config.events.topics.map(\.name) == ["github", "gitlab", "frobs"])
        #expect(config.events.otherModules["azureDevOps"]?.path == "events.modules.azureDevOps")
        #expect(config.ignoredKeys == ["events.useEventBus"])
    }

    @Test func githubWithoutSecretAcceptsUnsignedRequests() throws {
        let config = try configuration("events:\n  modules:\n    github: {}\n")
        #expect(config.events.github?.topic.validator == nil)
        #expect(config.events.github?.webhookSecrets == [])
    }

    @Test(arguments: [
        ("{ maxAttempts: 10, initialBackoff: 1s, maxBackoff: 5m }", Config.Delivery(maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .seconds(300))),
        ("{ maxAttempts: '3' }", Config.Delivery(maxAttempts: 3)),
        ("{ initialBackoff: { milliseconds: 50 } }", Config.Delivery(initialBackoff: .milliseconds(50))),
    ])
    func delivery(yaml: String, expected: Config.Delivery) throws {
        #expect(try configuration("events:\n  delivery: \(yaml)\n").events.delivery == expected)
    }

    @Test(arguments: [
        ("{ maxAge: P30D, maxEvents: 500, maxBytes: 100MiB, staleSubscriberAfter: 1d }", Config.Retention(maxAge: .seconds(30 * 86_400), maxEvents: 500, maxBytes: 100 * 1024 * 1024, staleSubscriberAfter: .seconds(86_400))),
        ("{ maxBytes: 1048576 }", Config.Retention(maxBytes: 1_048_576)),
    ])
    func retention(yaml: String, expected: Config.Retention) throws {
        #expect(try configuration("events:\n  retention: \(yaml)\n").events.retention == expected)
    }

    @Test(arguments: [
        BadCase("events:\n  htp: {}", .unknownKey, "events.htp: unknown key (expected one of: delivery, http, modules, retention, useEventBus)"),
        BadCase("events:\n  http:\n    topic: [a]", .unknownKey, "events.http.topic: unknown key (expected one of: topics)"),
        BadCase("events:\n  http:\n    topics: [a, 'b c']", .invalidValue, "events.http.topics[1]: expected a topic name of letters, digits, '.', '_' and '-', got 'b c'"),
        BadCase("events:\n  http:\n    topics: [a, a]", .invalidValue, "events.http.topics[1]: topic 'a' is already defined at events.http.topics[0]"),
        BadCase("events:\n  http:\n    topics: [a, { topic: a }]", .invalidValue, "events.http.topics[1]: topic 'a' is already defined at events.http.topics[0]"),
        BadCase("events:\n  http:\n    topics: [42]", .invalidValue, "events.http.topics[0]: expected a topic name or { topic, maxBodyBytes, validator, idempotencyKey, rateLimit }, got 42"),
        BadCase("events:\n  http:\n    topics: [{ name: a }]", .unknownKey, "events.http.topics[0].name: unknown key (expected one of: idempotencyKey, maxBodyBytes, rateLimit, topic, validator)"),
        BadCase("events:\n  http:\n    topics: [{ maxBodyBytes: 1 }]", .missingKey, "events.http.topics[0].topic: missing required value (expected a topic name)"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, maxBodyBytes: lots }]", .invalidValue, "events.http.topics[0].maxBodyBytes: expected a byte size such as 1048576, 512KiB, 5MiB or 2GiB, got 'lots'"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, maxBodyBytes: 0 }]", .invalidValue, "events.http.topics[0].maxBodyBytes: expected a positive byte size, got 0"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: hmac, secret: x, header: h } }]", .invalidValue, "events.http.topics[0].validator.type: expected one of hmac-sha256, github, gitlab, standard-webhooks, got 'hmac'"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: hmac-sha256, secret: x } }]", .missingKey, "events.http.topics[0].validator.header: missing required value (expected the header that carries the signature, e.g. x-signature)"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: hmac-sha256, header: x-sig } }]", .missingKey, "events.http.topics[0].validator.secrets: missing required value (expected a secret or a list of secrets)"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: hmac-sha256, header: x-sig, secret: a, secrets: [b] } }]", .invalidValue, "events.http.topics[0].validator: set either secrets or secret, not both"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: hmac-sha256, header: x-sig, secrets: [] } }]", .invalidValue, "events.http.topics[0].validator.secrets: expected a string or a non-empty list of strings, got a list"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: hmac-sha256, header: 'x sig', secret: s } }]", .invalidValue, "events.http.topics[0].validator.header: expected an HTTP header name, got 'x sig'"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: gitlab, secret: s, prefix: 'p=' } }]", .invalidValue, "events.http.topics[0].validator.prefix: is not used by validator type gitlab; remove it"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: standard-webhooks, secret: s, header: h } }]", .invalidValue, "events.http.topics[0].validator.header: is fixed by the Standard Webhooks specification; remove it"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: standard-webhooks, secrets: ['dGVzdA==', 'not base64!'] } }]", .invalidValue, "events.http.topics[0].validator.secrets[1]: expected a base64 secret, optionally prefixed with whsec_"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, validator: { type: github, secret: s, algo: sha1 } }]", .unknownKey, "events.http.topics[0].validator.algo: unknown key (expected one of: header, prefix, secret, secrets, type)"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, idempotencyKey: { header: x, jsonPath: $.id } }]", .invalidValue, "events.http.topics[0].idempotencyKey: set either header or jsonPath, not both"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, idempotencyKey: { jsonPath: id } }]", .invalidValue, "events.http.topics[0].idempotencyKey.jsonPath: expected a JSON path such as $.id, $.data.id or $.items[0].id, got 'id'"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, idempotencyKey: {} }]", .missingKey, "events.http.topics[0].idempotencyKey: missing required value (expected { header: NAME } or { jsonPath: '$.id' })"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, idempotencyKey: x-id }]", .invalidValue, "events.http.topics[0].idempotencyKey: expected an object, got 'x-id'"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, rateLimit: { perSecond: 0 } }]", .invalidValue, "events.http.topics[0].rateLimit.perSecond: expected a positive number, got 0"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, rateLimit: { perSecond: 5, burst: 0 } }]", .invalidValue, "events.http.topics[0].rateLimit.burst: expected an integer of at least 1, got 0"),
        BadCase("events:\n  http:\n    topics: [{ topic: a, rateLimit: { rps: 5 } }]", .unknownKey, "events.http.topics[0].rateLimit.rps: unknown key (expected one of: burst, perSecond)"),
        BadCase("events:\n  http:\n    topics: [{ topic: github, maxBodyBytes: 1 }]\n  modules:\n    github: { webhookSecret: s }", .invalidValue, "events.http.topics[0]: topic 'github' is already defined by events.modules.github; configure its options there"),
        BadCase("events:\n  modules:\n    gitlab: {}", .missingKey, "events.modules.gitlab.webhookSecret: missing required value (expected a string or a list of strings)"),
        BadCase("events:\n  modules:\n    github: { webhookSecret: s, validator: { type: github } }", .unknownKey, "events.modules.github.validator: unknown key (expected one of: idempotencyKey, maxBodyBytes, rateLimit, webhookSecret)"),
        BadCase("events:\n  modules:\n    github: { webhookSecret: [] }", .invalidValue, "events.modules.github.webhookSecret: expected a string or a non-empty list of strings, got a list"),
        BadCase("events:\n  modules:\n    github: { webhookSecret: ${GH} }", .invalidValue, "events.modules.github.webhookSecret: expected a non-empty string or a list of strings, got an empty string", environment: ["GH": ""]),
        BadCase("events:\n  modules: [github]", .invalidValue, "events.modules: expected an object, got a list"),
        BadCase("events:\n  delivery: { maxAttempts: 0 }", .invalidValue, "events.delivery.maxAttempts: expected an integer of at least 1, got 0"),
        BadCase("events:\n  delivery: { retries: 3 }", .unknownKey, "events.delivery.retries: unknown key (expected one of: initialBackoff, maxAttempts, maxBackoff)"),
        BadCase("events:\n  delivery: { initialBackoff: 0s }", .invalidValue, "events.delivery.initialBackoff: expected a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got '0s'"),
        BadCase("events:\n  delivery: { initialBackoff: 1m, maxBackoff: 30s }", .invalidValue, "events.delivery.maxBackoff: maxBackoff (30s) must not be shorter than initialBackoff (1m)"),
        BadCase("events:\n  retention: { maxAge: forever }", .invalidValue, "events.retention.maxAge: expected a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got 'forever'"),
        BadCase("events:\n  retention: { maxEvents: -5 }", .invalidValue, "events.retention.maxEvents: expected an integer of at least 1, got -5"),
        BadCase("events:\n  retention: { maxBytes: 2 gigs }", .invalidValue, "events.retention.maxBytes: expected a byte size such as 1048576, 512KiB, 5MiB or 2GiB, got '2 gigs'"),
        BadCase("events:\n  retention: { maxSize: 1GiB }", .unknownKey, "events.retention.maxSize: unknown key (expected one of: maxAge, maxBytes, maxEvents, staleSubscriberAfter)"),
    ])
    func badValues(_ bad: BadCase) {
        bad.check()
    }

    @Test func validatorSecretsNeverAppearInMessages() {
        let error = configError {
            try configuration("events:\n  http:\n    topics: [{ topic: a, validator: { type: standard-webhooks, secret: 'super secret value' } }]")
        }
        #expect(error?.message == "events.http.topics[0].validator.secret: expected a base64 secret, optionally prefixed with whsec_")
    }
}

@Suite("catalog")
struct CatalogConfigTests {
    @Test func providersAreKeptUnvalidated() throws {
        let config = try configuration(
            """
            catalog:
              providers:
                frobs:
                  production: { url: https://frobs.example.com, anything: [1, 2] }
                github:
                  myOrg: { organization: acme, schedule: { frequency: 30m, timeout: 3m } }
              locationRefresh: { hours: 1 }
              readonly: true
              orphanProviderStrategy: delete
              processingInterval: { seconds: 100 }
            """
        )
        #expect(Set(config.catalog.providers.keys) == ["frobs", "github"])
        #expect(config.catalog.providers["github"]?.path == "catalog.providers.github")
        #expect(try config.catalog.providers["frobs"]?.object("production").child("anything").value == [1, 2])
        #expect(config.catalog.locationRefresh == .seconds(3600))
        #expect(config.catalog.readonly)
        #expect(config.ignoredKeys == ["catalog.processingInterval"])
    }

    @Test(arguments: [
        ("{ type: url, target: 'https://example.com/catalog-info.yaml' }", Config.Location(kind: .url, target: "https://example.com/catalog-info.yaml")),
        ("{ type: file, target: ./examples/all.yaml }", Config.Location(kind: .file, target: "./examples/all.yaml")),
        ("{ type: file, target: org.yaml, rules: [{ allow: [User, Group] }, { allow: [Location] }] }", Config.Location(kind: .file, target: "org.yaml", allowedKinds: ["User", "Group", "Location"])),
    ])
    func locations(yaml: String, expected: Config.Location) throws {
        #expect(try configuration("catalog:\n  locations: [\(yaml)]\n").catalog.locations == [expected])
    }

    @Test(arguments: [
        BadCase("catalog:\n  provider: {}", .unknownKey, "catalog.provider: unknown key (expected one of: disableRelationsCompatibility, import, locationRefresh, locations, orphanProviderStrategy, orphanStrategy, processingInterval, processors, providers, readonly, rules, stitchingStrategy, useUrlReadersSearch)"),
        BadCase("catalog:\n  providers: [frobs]", .invalidValue, "catalog.providers: expected an object, got a list"),
        BadCase("catalog:\n  locations: [{ type: git, target: x }]", .invalidValue, "catalog.locations[0].type: expected one of url, file, got 'git'"),
        BadCase("catalog:\n  locations: [{ type: url }]", .missingKey, "catalog.locations[0].target: missing required value (expected a string)"),
        BadCase("catalog:\n  locations: [{ type: url, target: ./local.yaml }]", .invalidValue, "catalog.locations[0].target: expected an http:// or https:// URL, got './local.yaml'"),
        BadCase("catalog:\n  locations: [{ type: url, target: 'https://x.com/a.yaml', presence: optional }]", .unknownKey, "catalog.locations[0].presence: unknown key (expected one of: rules, target, type)"),
        BadCase("catalog:\n  locations: [{ type: file, target: a.yaml, rules: [{ deny: [User] }] }]", .unknownKey, "catalog.locations[0].rules[0].deny: unknown key (expected one of: allow)"),
        BadCase("catalog:\n  locations: { type: file }", .invalidValue, "catalog.locations: expected a list, got an object"),
        BadCase("catalog:\n  locationRefresh: 0s", .invalidValue, "catalog.locationRefresh: expected a positive duration such as 30s, 1h30m, PT30M or { minutes: 30 }, got '0s'"),
        BadCase("catalog:\n  readonly: maybe", .invalidValue, "catalog.readonly: expected true or false, got 'maybe'"),
        BadCase("catalog:\n  orphanProviderStrategy: keep", .invalidValue, "catalog.orphanProviderStrategy: expected one of delete, got 'keep'"),
        BadCase("catalog: []", .invalidValue, "catalog: expected an object, got a list"),
    ])
    func badValues(_ bad: BadCase) {
        bad.check()
    }
}
