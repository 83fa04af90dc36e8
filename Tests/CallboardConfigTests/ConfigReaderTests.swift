import CallboardConfig
import CatalogModel
import Testing

@Suite("ConfigReader")
struct ConfigReaderTests {
    static let tree: JSONValue = [
        "name": "frobs",
        "empty": "",
        "port": 7007,
        "portString": "7007",
        "ratio": 0.5,
        "whole": 3.0,
        "enabled": true,
        "enabledString": "false",
        "nothing": nil,
        "list": ["a", "b"],
        "secret": "s3cr3t-value",
        "webhookSecret": ["one", "two"],
        "nested": ["inner": ["deep": 1]],
        "items": [["id": 1], ["id": 2]],
    ]
    let reader = ConfigReader(tree, path: "catalog.providers.frobs")

    @Test func readsTypedValues() throws {
        #expect(try reader.string("name") == "frobs")
        #expect(try reader.optionalString("missing") == nil)
        #expect(try reader.optionalString("nothing") == nil)
        #expect(try reader.string("empty", allowEmpty: true) == "")
        #expect(try reader.int("port") == 7007)
        #expect(try reader.int("portString") == 7007)
        #expect(try reader.int("whole") == 3)
        #expect(try reader.int("port", in: 1...65535) == 7007)
        #expect(try reader.double("ratio") == 0.5)
        #expect(try reader.double("portString") == 7007)
        #expect(try reader.bool("enabled") == true)
        #expect(try reader.bool("enabledString") == false)
        #expect(try reader.optionalBool("missing") == nil)
        #expect(try reader.stringOrList("secret") == ["s3cr3t-value"])
        #expect(try reader.stringOrList("webhookSecret") == ["one", "two"])
        #expect(try reader.stringList("list") == ["a", "b"])
        #expect(try reader.object("nested").object("inner").int("deep") == 1)
        #expect(try reader.object("nested").object("inner").path == "catalog.providers.frobs.nested.inner")
        #expect(try reader.array("items").map { try $0.int("id") } == [1, 2])
        #expect(try reader.array("items")[1].path == "catalog.providers.frobs.items[1]")
        #expect(try reader.oneOf("name", ["frobs", "grobs"]) == "frobs")
        #expect(reader.has("name"))
        #expect(!reader.has("nothing"))
        #expect(!reader.has("missing"))
        #expect(reader.keys.first == "empty")
        #expect(try reader.members("nested")["inner"]?.path == "catalog.providers.frobs.nested.inner")
    }

    @Test(arguments: [
        ("missing", ConfigError.Code.missingKey, "catalog.providers.frobs.missing: missing required value (expected a string)"),
        ("nothing", .missingKey, "catalog.providers.frobs.nothing: missing required value (expected a string)"),
        ("port", .invalidValue, "catalog.providers.frobs.port: expected a string, got 7007"),
        ("list", .invalidValue, "catalog.providers.frobs.list: expected a string, got a list"),
        ("nested", .invalidValue, "catalog.providers.frobs.nested: expected a string, got an object"),
        ("empty", .invalidValue, "catalog.providers.frobs.empty: expected a non-empty string, got an empty string"),
    ])
    func stringErrors(key: String, code: ConfigError.Code, message: String) throws {
        let error = configError { try reader.string(key) }
        #expect(error?.code == code)
        #expect(error?.message == message)
        #expect(error?.description == message)
        #expect(error?.keyPath == "catalog.providers.frobs.\(key)")
    }

    @Test(arguments: [
        ("ratio", nil as ClosedRange<Int>?, "catalog.providers.frobs.ratio: expected an integer, got 0.5"),
        ("name", nil, "catalog.providers.frobs.name: expected an integer, got 'frobs'"),
        ("port", 0...1024, "catalog.providers.frobs.port: expected an integer from 0 to 1024, got 7007"),
        ("port", 8000...Int.max, "catalog.providers.frobs.port: expected an integer of at least 8000, got 7007"),
        ("enabled", nil, "catalog.providers.frobs.enabled: expected an integer, got true"),
    ])
    func intErrors(key: String, range: ClosedRange<Int>?, message: String) throws {
        let error = configError { try reader.int(key, in: range) }
        #expect(error?.code == .invalidValue)
        #expect(error?.message == message)
    }

    @Test func otherTypeErrors() throws {
        #expect(configError { try reader.bool("name") }?.message == "catalog.providers.frobs.name: expected true or false, got 'frobs'")
        #expect(configError { try reader.object("list") }?.message == "catalog.providers.frobs.list: expected an object, got a list")
        #expect(configError { try reader.array("nested") }?.message == "catalog.providers.frobs.nested: expected a list, got an object")
        #expect(configError { try reader.stringList("name") }?.message == "catalog.providers.frobs.name: expected a list of strings, got 'frobs'")
        #expect(configError { try reader.stringList("items") }?.message == "catalog.providers.frobs.items[0]: expected a string, got an object")
        #expect(configError { try reader.oneOf("name", ["a", "b"]) }?.message == "catalog.providers.frobs.name: expected one of a, b, got 'frobs'")
        #expect(configError { try reader.object("missing") }?.code == .missingKey)
    }

    @Test func secretsAreNeverEchoed() throws {
        let tree: JSONValue = ["token": 12_345_678, "password": ["x"], "webhookSecret": ["", "b"], "url": "postgresql://u:pw@h/db"]
        let reader = ConfigReader(tree, path: "backend")
        let messages = [
            configError { try reader.string("token") }?.message,
            configError { try reader.string("password") }?.message,
            configError { try reader.stringOrList("webhookSecret") }?.message,
            configError { try reader.int("url") }?.message,
        ]
        #expect(messages == [
            "backend.token: expected a string, got a number",
            "backend.password: expected a string, got a list",
            "backend.webhookSecret[0]: expected a non-empty string, got an empty string",
            "backend.url: expected an integer, got a string",
        ])
        for message in messages {
            #expect(message?.contains("pw") == false)
            #expect(message?.contains("12345678") == false)
        }
    }

    @Test func stringOrListRejectsEmptyAndNonStrings() throws {
        let reader = ConfigReader(["a": [], "b": [1], "c": ""], path: "m")
        #expect(configError { try reader.stringOrList("a") }?.message == "m.a: expected a string or a non-empty list of strings, got a list")
        #expect(configError { try reader.stringOrList("b") }?.message == "m.b[0]: expected a string, got 1")
        #expect(configError { try reader.stringOrList("c") }?.message == "m.c: expected a non-empty string or a list of strings, got an empty string")
    }

    @Test(arguments: [
        (Set(["name", "port"]), "catalog.providers.frobs.empty: unknown key (expected one of: name, port)"),
        (Set(ConfigReaderTests.tree.objectValue!.keys).subtracting(["webhookSecret"]), "catalog.providers.frobs.webhookSecret: unknown key (expected one of: empty, enabled, enabledString, items, list, name, nested, nothing, port, portString, ratio, secret, whole)"),
    ])
    func expectOnlyNamesTheUnknownKey(allowed: Set<String>, message: String) throws {
        let error = configError { try reader.expectOnly(allowed) }
        #expect(error?.code == .unknownKey)
        #expect(error?.message == message)
    }

    @Test func expectOnlyAcceptsKnownKeys() throws {
        try reader.expectOnly(Set(Self.tree.objectValue!.keys))
        try ConfigReader(nil).expectOnly([])
        #expect(configError { try ConfigReader("x", path: "a").expectOnly([]) }?.message == "a: expected an object, got 'x'")
    }

    @Test func rootPathsHaveNoLeadingDot() throws {
        let root = ConfigReader(["backend": ["listen": ["port": "x"]]])
        let error = configError { try root.object("backend").object("listen").int("port") }
        #expect(error?.message == "backend.listen.port: expected an integer, got 'x'")
    }
}
