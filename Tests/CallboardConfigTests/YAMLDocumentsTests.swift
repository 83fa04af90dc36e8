import CallboardConfig
import CatalogModel
import Testing

/// Multi-document YAML (entity files): every document comes back, and a syntax error anywhere
/// is an error, not a silently shorter list.
@Suite struct YAMLDocumentsTests {
    @Test func readsEveryDocument() throws {
        let documents = try ConfigYAML.parseDocuments("a: 1\n---\nb: 2\n---\n", file: "x.yaml")
        #expect(documents.count == 3)
        #expect(documents[0]["a"] == .int(1))
        #expect(documents[1]["b"] == .int(2))
        #expect(documents[2].isNull)
    }

    @Test(arguments: ["kind: [unclosed\n", "a: 1\n---\nb: [unclosed\n", "a: 1\n---\n  - x\n y: {\n"])
    func syntaxErrorInAnyDocumentThrows(_ text: String) {
        #expect(throws: ConfigError.self) { try ConfigYAML.parseDocuments(text, file: "bad.yaml") }
    }
}
