import CatalogModel

/// Backstage's `fields` parameter: keep only the listed dotted paths of each entity.
struct FieldsProjection: Sendable {
    let paths: [[String]]

    /// Parses `fields` parameters (each comma-separated); nil when none were given.
    init?(_ parameters: [String]) {
        let paths = parameters.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: " ") }
            .filter { !$0.isEmpty }
            .map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
        guard !paths.isEmpty else { return nil }
        self.paths = paths
    }

    init(paths: [String]) {
        self.paths = paths.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    }

    func apply(_ value: JSONValue) -> JSONValue {
        var result: JSONValue = .object([:])
        for path in paths {
            if let picked = Self.pick(value, path[...]) {
                result = Self.merge(result, picked)
            }
        }
        return result
    }

    /// Projects serialised entities (parsing each; a value that fails to parse is passed through).
    func apply(_ json: [UInt8]) -> [UInt8] {
        guard let value = try? JSONParser.parse(json) else { return json }
        return apply(value).canonicalBytes()
    }

    private static func pick(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue? {
        guard let head = path.first else { return value }
        guard case .object(let members) = value, let member = members[head] else { return nil }
        guard let inner = pick(member, path.dropFirst()) else { return nil }
        return .object([head: inner])
    }

    private static func merge(_ lhs: JSONValue, _ rhs: JSONValue) -> JSONValue {
        guard case .object(var left) = lhs, case .object(let right) = rhs else { return rhs }
        for (key, value) in right {
            left[key] = left[key].map { merge($0, value) } ?? value
        }
        return .object(left)
    }
}

extension StringProtocol {
    func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return String(slice)
    }
}
