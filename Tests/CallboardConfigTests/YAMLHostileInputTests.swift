import CallboardConfig
import CatalogModel
import Testing

/// YAML from untrusted places (entity files behind a URL) cannot crash or exhaust the server:
/// too-deep nesting is refused before parsing, and an alias bomb while converting.
@Suite struct YAMLHostileInputTests {
    static func refusal(_ text: String) -> String? {
        do {
            _ = try ConfigYAML.parseDocuments(text, file: "hostile.yaml")
            return nil
        } catch {
            return error.message
        }
    }

    @Test(arguments: [
        ("flow sequences", String(repeating: "[", count: 100_000)),
        ("flow mappings", String(repeating: "{a: ", count: 100_000)),
        ("compact sequences", String(repeating: "- ", count: 100_000) + "x"),
        ("indented mappings", (0..<300).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x"),
    ])
    func tooDeepNestingIsASyntaxError(_ shape: String, _ text: String) {
        let message = Self.refusal(text)
        #expect(message?.contains("nested deeper than 256 levels") == true, "\(shape): \(message ?? "accepted")")
    }

    @Test func anAliasBombIsRefused() {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        #expect(Self.refusal(lines.joined(separator: "\n"))?.contains("aliases expand to too many values") == true)
    }

    @Test func ordinaryNestingQuotesBracketsAndCommentsStillParse() throws {
        let text = """
            apiVersion: backstage.io/v1alpha1   # a comment with [[[[ brackets
            kind: Component
            metadata:
              name: x
              description: 'it''s [not a list'
              title: "a \\" [quoted"
              annotations: { a: "[", b: '{' }
            spec:
              nested: [[[[[[1]]]]]]
              list:
                - - - deep
              base: &base { type: service }
              <<: *base
            """
        let documents = try ConfigYAML.parseDocuments(text, file: "ok.yaml")
        #expect(documents.count == 1)
        #expect(documents[0].value(atPath: "spec.type") == "service")
    }
}
