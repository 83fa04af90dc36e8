import CallboardConfig
import CatalogModel
import Testing

@Suite("Redaction")
struct ConfigRedactionTests {
    static let cases: [(JSONValue, JSONValue)] = [
        (["token": "abc"], ["token": "<redacted>"]),
        (["password": "pw", "user": "cb"], ["password": "<redacted>", "user": "cb"]),
        (["secret": 12345], ["secret": "<redacted>"]),
        (["secrets": ["a", "b"]], ["secrets": ["<redacted>", "<redacted>"]]),
        (["webhookSecret": "s"], ["webhookSecret": "<redacted>"]),
        (["clientSecret": "s", "clientId": "id"], ["clientSecret": "<redacted>", "clientId": "id"]),
        (["privateKey": "-----BEGIN RSA PRIVATE KEY-----\n..."], ["privateKey": "<redacted>"]),
        (["accessToken": "t", "apiKey": "k", "Authorization": "Bearer x"], ["accessToken": "<redacted>", "apiKey": "<redacted>", "Authorization": "<redacted>"]),
        (["token": nil], ["token": nil]),
        (["keys": [["secret": "s"]]], ["keys": [["secret": "<redacted>"]]]),
        (["connection": "postgresql://cb:hunter2@db:5432/callboard"], ["connection": "postgresql://cb:<redacted>@db:5432/callboard"]),
        (["connection": "postgres://cb@db/callboard"], ["connection": "postgres://cb@db/callboard"]),
        (["proxy": "https://user:pa55@proxy.example.com"], ["proxy": "https://user:<redacted>@proxy.example.com"]),
        (["url": "https://example.com/a:b@c"], ["url": "https://example.com/a:b@c"]),
        (["tokenUrl": "https://auth.example.com/token", "protectReads": true], ["tokenUrl": "https://auth.example.com/token", "protectReads": true]),
        (["list": [["token": "a"], ["name": "b"]]], ["list": [["token": "<redacted>"], ["name": "b"]]]),
    ]

    @Test(arguments: cases)
    func redacts(input: JSONValue, expected: JSONValue) {
        #expect(ConfigRedaction.redacted(input) == expected)
    }

    @Test func redactsALoadedConfiguration() throws {
        let root = try loadYAML(
            [
                """
                backend:
                  database:
                    client: pg
                    connection: postgresql://callboard:${DB_PASSWORD}@db:5432/callboard
                  auth:
                    externalAccess:
                      - type: static
                        options: { token: ${CALLBOARD_TOKEN}, subject: ops }
                events:
                  http:
                    topics:
                      - topic: partners
                        validator: { type: hmac-sha256, header: x-signature, secrets: [${S1}, ${S2}] }
                  modules:
                    github: { webhookSecret: ${GITHUB_WEBHOOK_SECRET} }
                """,
            ],
            environment: [
                "DB_PASSWORD": "db-pass-1", "CALLBOARD_TOKEN": "token-value-2", "S1": "hmac-one-3",
                "S2": "hmac-two-4", "GITHUB_WEBHOOK_SECRET": "gh-secret-5",
            ]
        )
        let yaml = ConfigRedaction.redactedYAML(root)
        for secret in ["db-pass-1", "token-value-2", "hmac-one-3", "hmac-two-4", "gh-secret-5"] {
            #expect(!yaml.contains(secret), "\(secret) leaked")
        }
        #expect(yaml.contains("postgresql://callboard:<redacted>@db:5432/callboard"))
        #expect(yaml.contains("subject: ops"))
        #expect(yaml.contains("header: x-signature"))
        // The printed YAML is itself a loadable config.
        let reparsed = try parseYAML(yaml)
        #expect(reparsed.value(atPath: "events.modules.github.webhookSecret") == "<redacted>")
        #expect(reparsed.value(atPath: "backend.auth") == ConfigRedaction.redacted(root).value(atPath: "backend.auth"))
    }

    @Test func secretsDoNotPrint() {
        let secret = ConfigSecret("do-not-print")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!"\([secret])".contains("do-not-print"))
        var dumped = ""
        dump(Config.Validator(kind: .github, secrets: [secret]), to: &dumped)
        #expect(!dumped.contains("do-not-print"))
    }

    @Test(arguments: ["token", "Token", "webhookSecret", "clientSecret", "privateKey", "password", "secrets", "githubToken", "secretAccessKey"])
    func secretKeys(key: String) {
        #expect(ConfigRedaction.isSecretKey(key))
    }

    @Test(arguments: ["subject", "header", "tokenUrl", "secretName", "user", "protectReads", "host"])
    func nonSecretKeys(key: String) {
        #expect(!ConfigRedaction.isSecretKey(key))
    }
}

@Suite("Duration formatting")
struct DurationFormatTests {
    static let cases: [(Duration, String)] = [
        (.zero, "0s"),
        (.milliseconds(200), "200ms"),
        (.seconds(30), "30s"),
        (.seconds(5400), "1h30m"),
        (.seconds(7 * 86_400), "7d"),
        (.milliseconds(90_500), "1m30s500ms"),
    ]

    @Test(arguments: cases)
    func formats(duration: Duration, text: String) {
        #expect(ConfigDuration.format(duration) == text)
        #expect(ConfigDuration.parse(text) == duration)
    }
}
