@testable import Catalog
import CallboardTesting
import Testing

/// `SearchRowBuilder.rows` against a plain reference implementation of the same rules (the
/// builder's earlier, unoptimised form): the same rows, and the same conflicts.
@Suite struct SearchRowBuilderTests {
    typealias F = EntityFactory

    /// Backstage's `buildEntitySearch` rules, written for clarity.
    enum Reference {
        static let skippedPaths: Set<String> = [
            "attachments", "relations", "status", "metadata.name", "metadata.namespace", "metadata.uid", "metadata.etag",
        ]

        struct Conflict: Error {}

        static func rows(for entity: Entity) throws -> [SearchRow] {
            var raw: [(String, JSONValue)] = []
            visit(path: "", value: entity.json, into: &raw)
            raw.append(("metadata.name", .string(entity.metadata.name)))
            raw.append(("metadata.namespace", .string(entity.metadata.namespace ?? "default")))
            var seenKeys: [String: String] = [:]
            var rows: [SearchRow] = []
            for (rawKey, rawValue) in raw {
                let key = rawKey.lowercased()
                if let previous = seenKeys[key], previous != rawKey { throw Conflict() }
                seenKeys[key] = rawKey
                guard key.utf8.count <= 200 else { continue }
                let text: String? = switch rawValue {
                case .string(let text): text
                case .bool(let flag): flag ? "true" : "false"
                case .int(let number): String(number)
                case .double(let number): String(decoding: JSONValue.double(number).canonicalBytes(), as: UTF8.self)
                default: nil
                }
                let row = if let text, text.count <= 200 {
                    SearchRow(key: key, value: text.lowercased(), originalValue: text)
                } else {
                    SearchRow(key: key, value: nil, originalValue: nil)
                }
                if !rows.contains(row) { rows.append(row) }
            }
            return rows
        }

        static func visit(path: String, value: JSONValue, into raw: inout [(String, JSONValue)]) {
            if skippedPaths.contains(path) { return }
            switch value {
            case .object(let members):
                for (key, member) in members { visit(path: path.isEmpty ? key : "\(path).\(key)", value: member, into: &raw) }
            case .array(let elements):
                for element in elements {
                    visit(path: path, value: element, into: &raw)
                    if case .string(let text) = element { raw.append(("\(path).\(text)", .bool(true))) }
                }
            default:
                if !path.isEmpty { raw.append((path, value)) }
            }
        }
    }

    static func unusual() -> [Entity] {
        var entity = F.component("Odd-Name", namespace: "Team-NS", dependsOn: ["component:a", "component:a"],
                                 tags: ["x", "x", "y"], labels: ["Example.com/Tier": "Gold"], title: "Ünïcode Tïtle")
        entity.spec?["deep"] = .object([
            "Mixed": .string("İstanbul ΣΑΣ"), "long": .string(String(repeating: "é", count: 150)),
            "tooLong": .string(String(repeating: "a", count: 201)), "n": .int(42), "d": .double(1.5),
            "flag": .bool(false), "nothing": .null,
            "list": .array([.object(["k": .string("v")]), .object(["k": .string("v")]), .int(1), .int(1)]),
            "dotted.key": .string("same"), "dotted": .object(["key": .string("same")]),
        ])
        entity.spec?[String(repeating: "k", count: 201)] = .string("dropped key")
        entity.metadata.annotations = ["A/B": "MiXeD", "plain": ""]
        return [entity]
    }

    @Test func theRowsAreTheReferencesRows() throws {
        let entities = try Fixtures.exampleEntities() + Self.unusual()
        #expect(entities.count > 10)
        for entity in entities {
            // Object members come in dictionary order, which differs between two `entity.json`s:
            // the rows are compared as sets, with no duplicates on either side.
            let rows = try SearchRowBuilder.rows(for: entity, json: entity.json)
            let reference = try Reference.rows(for: entity)
            #expect(Set(rows) == Set(reference), "\(entity.ref)")
            #expect(rows.count == Set(rows).count && reference.count == rows.count)
            #expect(!rows.isEmpty)
        }
        let rows = try SearchRowBuilder.rows(for: Self.unusual()[0], json: Self.unusual()[0].json)
        #expect(rows.contains(SearchRow(key: "spec.deep.mixed", value: "i̇stanbul σασ", originalValue: "İstanbul ΣΑΣ")))
        #expect(rows.contains(SearchRow(key: "spec.deep.toolong", value: nil, originalValue: nil)))
        #expect(rows.filter { $0.key == "spec.deep.dotted.key" }.count == 1)
    }

    @Test func keysThatDifferOnlyInCaseAreAConflict() {
        var entity = F.component("svc")
        entity.spec?["Owner2"] = .string("a")
        entity.spec?["owner2"] = .string("b")
        #expect(throws: SearchRowBuilder.KeyCaseConflict.self) { try SearchRowBuilder.rows(for: entity, json: entity.json) }
        #expect(throws: Reference.Conflict.self) { try Reference.rows(for: entity) }
    }

    @Test(arguments: ["", "abc", "ABC", "MiXeD-Case_1", "ünï", "İ", "ǅ", "ß", "\u{0}A"])
    func lowerCasingMatchesTheStandardLibrary(text: String) {
        #expect(SearchRowBuilder.lowercased(text) == text.lowercased())
    }
}
