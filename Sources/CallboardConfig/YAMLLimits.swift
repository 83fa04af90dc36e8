/// Bounds on YAML from untrusted places (entity files behind a location URL, a registered
/// location's dry run): a document nested deeper than ``maxDepth`` is refused before the parser
/// sees it (the parser and the conversion recurse, so a 100 000-deep `[[[…` or `- - - …` would
/// overflow the stack), and a document whose aliases expand to more values than its size
/// allows (an alias bomb) is refused while it is converted.
enum YAMLLimits {
    /// The deepest nesting of sequences and mappings accepted.
    static let maxDepth = 256

    /// How many values a document of `bytes` bytes may expand to.
    static func valueBudget(forBytes bytes: Int) -> Int { 10_000 + 2 * bytes }

    /// An upper bound of the nesting depth of `text`, or a number above `limit` as soon as it
    /// passes it. Counts, per line, the block indentation levels open, the compact indicators
    /// that start the line (`- - x`, `? `), and the flow brackets open (outside quoted scalars
    /// and comments). Over-counting is harmless: no real document comes near ``maxDepth``.
    static func nestingDepthBound(_ text: String, limit: Int = maxDepth) -> Int {
        var flow = 0
        var deepest = 0
        var indents: [Int] = []
        for line in text.utf8.split(omittingEmptySubsequences: true, whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
            var index = line.startIndex
            var indent = 0
            while index != line.endIndex, line[index] == space || line[index] == tab {
                indent += 1
                index = line.index(after: index)
            }
            guard index != line.endIndex, line[index] != hash else { continue }
            if flow == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
            }
            var compact = 0
            var position = index
            while position != line.endIndex, line[position] == dash || line[position] == question {
                let next = line.index(after: position)
                guard next == line.endIndex || line[next] == space else { break }
                compact += 1
                position = next
                while position != line.endIndex, line[position] == space { position = line.index(after: position) }
            }
            let base = indents.count + compact
            deepest = max(deepest, base + flow)
            var quote: UInt8?
            var escaped = false
            var previous = space
            scan: for byte in line[position...] {
                defer { previous = byte }
                if let open = quote {
                    if escaped {
                        escaped = false
                    } else if open == doubleQuote && byte == backslash {
                        escaped = true
                    } else if byte == open {
                        quote = nil
                    }
                    continue
                }
                let startsToken = [space, comma, colon, openBracket, openBrace].contains(previous)
                switch byte {
                case doubleQuote where startsToken, singleQuote where startsToken:
                    quote = byte
                case hash where previous == space:
                    break scan  // a comment
                case openBracket, openBrace:
                    flow += 1
                    deepest = max(deepest, base + flow)
                case closeBracket, closeBrace:
                    flow = max(0, flow - 1)
                default:
                    break
                }
            }
            if deepest > limit { return deepest }
        }
        return deepest
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), hash = UInt8(ascii: "#")
    private static let dash = UInt8(ascii: "-"), question = UInt8(ascii: "?"), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    private static let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
}
