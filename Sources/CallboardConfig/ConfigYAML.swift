import CatalogModel
import Foundation
import Yams

/// YAML reading and writing for configuration trees.
///
/// Reading follows the YAML 1.2 core schema, as Backstage's `yaml` library does: plain scalars
/// become integers (`42`, `0x2A`, `0o52`), floats (`1.5`, `1e3`, `.inf`), booleans
/// (`true`/`false` in any of the three spellings), null (`~`, `null`, empty) or strings; quoted and
/// block scalars stay strings, so `'7007'` and `yes` are strings. Anchors, aliases and `<<` merge
/// keys are supported.
public enum ConfigYAML {
    /// Parses one YAML document into a JSON value.
    ///
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - file: the name used in error messages.
    /// - Throws: a ``ConfigError`` with code `syntax` naming the file, line and column.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> JSONValue {
        try checkDepth(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: protectingReferences(text), Resolver.basic)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ConfigError(code: .syntax, message: "\(file): invalid YAML: \(error)")
        }
        guard let root else { return .null }
        var budget = YAMLLimits.valueBudget(forBytes: text.utf8.count)
        return try convert(root, file: file, budget: &budget)
    }

    /// Parses every document of a multi-document YAML stream (entity files such as
    /// `catalog-info.yaml`); empty documents come back as `.null`.
    ///
    /// - Throws: a ``ConfigError`` with code `syntax` naming the file, line and column.
    public static func parseDocuments(_ text: String, file: String) throws(ConfigError) -> [JSONValue] {
        try checkDepth(text, file: file)
        var documents: [JSONValue] = []
        var budget = YAMLLimits.valueBudget(forBytes: text.utf8.count)
        do {
            // The sequence keeps a syntax error instead of throwing it: check it once iteration ends.
            var sequence = try Yams.compose_all(yaml: protectingReferences(text), Resolver.basic)
            while let node = sequence.next() {
                documents.append(try convert(node, file: file, budget: &budget))
            }
            if let error = sequence.error { throw error }
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ConfigError(code: .syntax, message: "\(file): invalid YAML: \(error)")
        }
        return documents
    }

    // MARK: - `${VAR}` inside flow collections

    // `{ token: ${TOKEN} }` is not valid YAML: braces end a plain scalar inside a flow collection.
    // Since configuration examples (and SPEC) write it that way, the braces of `${…}` references
    // are swapped for private-use characters before parsing and restored in every scalar after.
    // The swap keeps lengths in Unicode scalars, so error columns stay right.
    private static let openMarker: Character = "\u{F8F0}"
    private static let closeMarker: Character = "\u{F8F1}"

    static func protectingReferences(_ text: String) -> String {
        guard text.contains("${") else { return text }
        return text.replacing(#/\$\{([A-Za-z0-9_ .\-]*)\}/#) { match in
            "$\(openMarker)\(match.output.1)\(closeMarker)"
        }
    }

    static func restoringReferences(_ text: String) -> String {
        guard text.contains(openMarker) || text.contains(closeMarker) else { return text }
        var restored = ""
        restored.reserveCapacity(text.count)
        for character in text {
            switch character {
            case openMarker: restored.append("{")
            case closeMarker: restored.append("}")
            default: restored.append(character)
            }
        }
        return restored
    }

    /// Renders a JSON value as a YAML document with sorted keys.
    ///
    /// Strings that would read back as another type (`"7007"`, `"true"`, `""`) are quoted, so the
    /// output parses back to the same value.
    public static func render(_ value: JSONValue) -> String {
        do {
            return try Yams.serialize(node: node(for: value), indent: 2, width: -1, allowUnicode: true, sortKeys: true)
        } catch {
            // Serialising plain scalars, sequences and mappings does not fail; keep a readable fallback.
            return "# could not render configuration: \(error)\n"
        }
    }

    // MARK: - Parsing

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> ConfigError {
            var message = "\(file):\(mark.line):\(mark.column): invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line))"
            }
            return ConfigError(code: .syntax, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(mark, problem, context)
        case .reader(let problem, _, _, _):
            return ConfigError(code: .syntax, message: "\(file): invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(
                code: .syntax,
                message: "\(file):\(context.mark.line):\(context.mark.column): invalid YAML: duplicate key \(names)"
            )
        case .dataCouldNotBeDecoded:
            return ConfigError(code: .syntax, message: "\(file): invalid YAML: the file is not valid UTF-8")
        default:
            return ConfigError(code: .syntax, message: "\(file): invalid YAML")
        }
    }

    /// Refuses a document nested deeper than ``YAMLLimits/maxDepth`` before the parser recurses into it.
    private static func checkDepth(_ text: String, file: String) throws(ConfigError) {
        guard YAMLLimits.nestingDepthBound(text) <= YAMLLimits.maxDepth else {
            throw ConfigError(code: .syntax, message: "\(file): invalid YAML: nested deeper than \(YAMLLimits.maxDepth) levels")
        }
    }

    private static func location(_ node: Node, file: String) -> String {
        guard let mark = node.mark else { return file }
        return "\(file):\(mark.line):\(mark.column)"
    }

    private static func convert(_ node: Node, file: String, budget: inout Int) throws(ConfigError) -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw ConfigError(code: .syntax, message: "\(location(node, file: file)): invalid YAML: its aliases expand to too many values")
        }
        switch node {
        case .scalar(let scalar):
            return try convertScalar(scalar, node: node, file: file)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence {
                elements.append(try convert(element, file: file, budget: &budget))
            }
            return .array(elements)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            var merged: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw ConfigError(
                        code: .syntax,
                        message: "\(location(keyNode, file: file)): invalid YAML: mapping keys must be plain values"
                    )
                }
                // (Yams resolves key tags while checking for duplicates, so only the style tells a
                // plain `<<` from a quoted one.)
                if keyScalar.string == "<<", keyScalar.style == .plain {
                    // `<<: *base` or `<<: [*a, *b]`: explicit keys win, earlier sources win.
                    let sources: [Node]
                    switch valueNode {
                    case .mapping: sources = [valueNode]
                    case .sequence(let sequence): sources = Array(sequence)
                    default:
                        throw ConfigError(
                            code: .syntax,
                            message: "\(location(valueNode, file: file)): invalid YAML: a '<<' merge key needs a mapping or a list of mappings"
                        )
                    }
                    for source in sources {
                        guard case .object(let sourceMembers) = try convert(source, file: file, budget: &budget) else {
                            throw ConfigError(
                                code: .syntax,
                                message: "\(location(source, file: file)): invalid YAML: a '<<' merge key needs a mapping or a list of mappings"
                            )
                        }
                        for (key, value) in sourceMembers where merged[key] == nil {
                            merged[key] = value
                        }
                    }
                    continue
                }
                members[restoringReferences(keyScalar.string)] = try convert(valueNode, file: file, budget: &budget)
            }
            for (key, value) in merged where members[key] == nil {
                members[key] = value
            }
            return .object(members)
        case .alias:
            throw ConfigError(code: .syntax, message: "\(location(node, file: file)): invalid YAML: unresolved alias")
        }
    }

    private static func convertScalar(_ scalar: Node.Scalar, node: Node, file: String) throws(ConfigError) -> JSONValue {
        let text = restoringReferences(scalar.string)
        // `scalar.tag` is the tag as written (not yet resolved): implicit for untagged scalars, `str`
        // for quoted ones, the full name for explicit `!!int` and the like.
        let tag = Tag.Name(rawValue: scalar.tag.rawValue)
        func invalid(_ type: String) -> ConfigError {
            ConfigError(
                code: .syntax,
                message: "\(location(node, file: file)): invalid YAML: '\(text)' is not a valid \(type)"
            )
        }
        switch tag {
        case .implicit:
            return scalar.style == .plain ? resolvePlain(text) : .string(text)
        case .int:
            guard case .int(let value) = resolvePlain(text) else { throw invalid("integer") }
            return .int(value)
        case .float:
            switch resolvePlain(text) {
            case .int(let value): return .double(Double(value))
            case .double(let value): return .double(value)
            default: throw invalid("float")
            }
        case .bool:
            guard case .bool(let value) = resolvePlain(text) else { throw invalid("boolean") }
            return .bool(value)
        case .null:
            return .null
        default:
            // `!!str`, the non-specific `!`, and tags we do not know (`!Ref`, `!!timestamp`) keep the text.
            return .string(text)
        }
    }

    /// Resolves an untagged plain scalar by the YAML 1.2 core schema.
    static func resolvePlain(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if text.wholeMatch(of: #/[-+]?[0-9]+/#) != nil {
            if let value = Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text) {
                return .int(value)
            }
            return Double(text).map(JSONValue.double) ?? .string(text)
        }
        if text.wholeMatch(of: #/0x[0-9a-fA-F]+/#) != nil {
            return Int64(text.dropFirst(2), radix: 16).map(JSONValue.int) ?? .string(text)
        }
        if text.wholeMatch(of: #/0o[0-7]+/#) != nil {
            return Int64(text.dropFirst(2), radix: 8).map(JSONValue.int) ?? .string(text)
        }
        if text.wholeMatch(of: #/[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?/#) != nil {
            return Double(text).map(JSONValue.double) ?? .string(text)
        }
        return .string(text)
    }

    // MARK: - Rendering

    private static func node(for value: JSONValue) -> Node {
        switch value {
        case .null:
            return Node("null", Tag(.null), .plain)
        case .bool(let flag):
            return Node(flag ? "true" : "false", Tag(.bool), .plain)
        case .int(let number):
            return Node(String(number), Tag(.int), .plain)
        case .double(let number):
            return Node(render(number), Tag(.float), .plain)
        case .string(let text):
            return Node(text, Tag(.str), needsQuotes(text) ? .singleQuoted : .any)
        case .array(let elements):
            return Node(elements.map(node(for:)), Tag(.seq), .block)
        case .object(let members):
            let pairs = members.sorted { $0.key < $1.key }.map { key, member in
                (Node(key, Tag(.str), needsQuotes(key) ? .singleQuoted : .any), node(for: member))
            }
            return Node(pairs, Tag(.map), .block)
        }
    }

    private static func render(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        let text = "\(number)"
        // Keep a fraction or exponent so that the value reads back as a float.
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
    }

    /// True when the plain form of `text` would read back as something other than this string,
    /// under YAML 1.2 core or the older 1.1 rules (`yes`, `on`, dates) that other readers use.
    private static func needsQuotes(_ text: String) -> Bool {
        if resolvePlain(text) != .string(text) { return true }
        if Resolver.default.resolveTag(of: Node(text)) != .str { return true }
        return false
    }
}
