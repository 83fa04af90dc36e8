import CatalogModel
import Testing

@Suite("JSONParser")
struct JSONParserTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .int(0)),
        ("-0", .int(0)),
        ("42", .int(42)),
        ("-17", .int(-17)),
        ("9223372036854775807", .int(Int64.max)),
        ("-9223372036854775808", .int(Int64.min)),
        ("9223372036854775808", .double(9223372036854775808.0)),
        ("1.5", .double(1.5)),
        ("1.0", .double(1.0)),
        ("-1e3", .double(-1000)),
        ("1E+2", .double(100)),
        ("2.5e-1", .double(0.25)),
        (#""""#, .string("")),
        (#""abc""#, .string("abc")),
        (#""a\"b\\c\/d""#, .string("a\"b\\c/d")),
        (#""\b\f\n\r\t""#, .string("\u{8}\u{C}\n\r\t")),
        (#""\u00e9\u00E9""#, .string("éé")),
        (#""\u0000""#, .string("\u{0}")),
        (#""\ud83d\ude00""#, .string("😀")),
        (#""😀 ünïcode""#, .string("😀 ünïcode")),
        ("[]", .array([])),
        ("{}", .object([:])),
        ("[1, [2, [3]]]", .array([1, [2, [3]]])),
        (#"{"a": {"b": []}, "c": null}"#, .object(["a": ["b": []], "c": .null])),
        (#"{"a": 1, "a": 2}"#, .object(["a": 2])),
        (" \n\t 1 \r\n", .int(1)),
        (#"[ "x" , { "y" : true } ]"#, .array(["x", ["y": true]])),
    ])
    func parsesValid(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: [
        "", " ", "[", "]", "{", "}", "[1,]", "[,1]", #"{"a":1,}"#, "{a:1}", #"{"a" 1}"#, #"{"a":}"#, "01", "1.",
        ".5", "+1", "-", "1e", "1e+", "--1", "tru", "nul", "falsey", "True", #""abc"#, #""\x""#, #""\u12""#,
        #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800x""#, "\"a\nb\"", "\"a\tb\"",
        "[1 2]", "1 2", "NaN", "Infinity", "-Infinity", "'a'", "[1]x", "{} {}", "/* c */ 1", "\u{FEFF}1", "[\"a\",",
    ])
    func rejectsInvalid(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22],  // never valid in UTF-8
        [0x22, 0xC3, 0x28, 0x22],  // bad continuation byte
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate
        [0x22, 0xE2, 0x82, 0x22],  // truncated sequence
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0x5C, 0x6E, 0xFF, 0x22],  // after an escape (slow path)
        [0xFF],  // outside a string
        [0x5B, 0x31, 0x2C, 0x80, 0x5D],
    ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func errorNamesTheOffset() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONParser.parse("[1, 2, x]") }
        #expect(error.offset == 7)
        #expect(error.description.hasPrefix("invalid JSON at byte 7: "))
    }

    @Test(arguments: [100_000, 1_000_000])
    func deepNestingThrowsInsteadOfCrashing(depth: Int) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(repeated("[", depth)) }
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(repeated("[", depth) + repeated("]", depth))
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(repeated(#"{"a":"#, depth)) }
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(repeated(#"{"a":"#, depth) + "1" + repeated("}", depth))
        }
    }

    @Test func nestingLimit() throws {
        let limit = JSONParser.defaultMaxDepth
        _ = try JSONParser.parse(repeated("[", limit) + repeated("]", limit))
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(repeated("[", limit + 1) + repeated("]", limit + 1))
        }
        _ = try JSONParser.parse("[[[1]]]", maxDepth: 3)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[[[1]]]", maxDepth: 2) }
    }

    // MARK: - Writing

    @Test(arguments: [
        (#"{"b": 1, "a": [true, null, "x"]}"#, #"{"a":[true,null,"x"],"b":1}"#),
        (#"{"a": {"d": 1, "c": 2}}"#, #"{"a":{"c":2,"d":1}}"#),
        (#"{"é": 1, "z": 2, "A": 3}"#, #"{"A":3,"z":2,"é":1}"#),
        (#""a\"b\\c\nd\u0001""#, #""a\"b\\c\nd\u0001""#),
        (#""\/""#, #""/""#),
        ("1.5", "1.5"),
        ("2.0", "2"),
        ("-0.25", "-0.25"),
        ("[ 1 , 2 ]", "[1,2]"),
    ])
    func canonicalText(text: String, expected: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value.canonicalString() == expected)
        #expect(value.canonicalBytes() == Array(expected.utf8))
    }

    @Test func canonicalBytesAreStable() throws {
        let first = try JSONParser.parse(#"{"z": 1, "a": {"y": [1, 2, {"k": "v", "b": false}], "x": null}, "m": 1.25}"#)
        let second = try JSONParser.parse(#"{"m": 1.25, "a": {"x": null, "y": [1, 2, {"b": false, "k": "v"}]}, "z": 1}"#)
        #expect(first == second)
        #expect(first.canonicalBytes() == second.canonicalBytes())
        // Writing and reading back gives the same value and the same bytes.
        let reparsed = try JSONParser.parse(first.canonicalBytes())
        #expect(reparsed == first)
        #expect(reparsed.canonicalBytes() == first.canonicalBytes())
        // Repeated calls agree (dictionary order must not leak into the output).
        for _ in 0..<20 { #expect(first.canonicalBytes() == second.canonicalBytes()) }
    }

    @Test func roundTripOfEveryStringByteBelowSpace() throws {
        let control = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
        let value = JSONValue.string(control + "\"\\é😀")
        #expect(try JSONParser.parse(value.canonicalBytes()) == value)
    }

    @Test func valueAccessors() throws {
        let value = try JSONParser.parse(#"{"metadata": {"name": "x", "tags": ["a"]}, "flag": true}"#)
        #expect(value.value(atPath: "metadata.name") == "x")
        #expect(value.value(atPath: "metadata.tags")?.arrayValue == ["a"])
        #expect(value.value(atPath: "metadata.missing") == nil)
        #expect(value["flag"]?.boolValue == true)
        #expect(value["metadata"]?.objectValue?.count == 2)
        #expect(value["metadata"]?["name"]?.stringValue == "x")
        #expect(JSONValue.null.isNull)
        #expect(JSONValue.int(1).typeName == "number")
        #expect(JSONValue.double(1).typeName == "number")
        #expect(JSONValue.array([]).typeName == "array")
    }
}
