/// Builds an entity's filter index rows, as Backstage's `buildEntitySearch` does: one row per
/// leaf path (arrays give a row per element plus `path.<element> = true`), keys and values
/// lower-cased, keys over 200 characters dropped, values over 200 characters kept as
/// "exists but not matchable".
public enum SearchRowBuilder {
    /// Paths that are not indexed from the entity body (relations have their own table; name,
    /// namespace and uid are added explicitly).
    static let skippedPaths: Set<String> = [
        "attachments", "relations", "status", "metadata.name", "metadata.namespace", "metadata.uid", "metadata.etag",
    ]

    /// Why rows could not be built.
    public struct KeyCaseConflict: Error, Sendable, CustomStringConvertible {
        public var key: String
        public var description: String {
            "entity has keys that differ only in case (\(key)); keys must be unique regardless of case"
        }
    }

    /// The rows for `entity` (without `metadata.uid`, which the store adds once it knows it).
    public static func rows(for entity: Entity, json: JSONValue) throws(KeyCaseConflict) -> [SearchRow] {
        var raw: [(String, JSONValue)] = []
        raw.reserveCapacity(32)
        visit(path: "", value: json, into: &raw)
        raw.append(("metadata.name", .string(entity.metadata.name)))
        raw.append(("metadata.namespace", .string(entity.metadata.namespace ?? EntityRef.defaultNamespace)))

        var seenKeys: [String: String] = [:]
        var rows: [SearchRow] = []
        var seenRows = Set<SearchRow>()
        rows.reserveCapacity(raw.count)
        for (rawKey, rawValue) in raw {
            let key = rawKey.lowercased()
            if let previous = seenKeys[key], previous != rawKey {
                throw KeyCaseConflict(key: rawKey)
            }
            seenKeys[key] = rawKey
            guard key.utf8.count <= SearchRow.maxKeyLength else { continue }
            let row: SearchRow
            if let original = scalarText(rawValue), original.count <= SearchRow.maxValueLength {
                row = SearchRow(key: key, value: original.lowercased(), originalValue: original)
            } else {
                row = SearchRow(key: key, value: nil, originalValue: nil)
            }
            if seenRows.insert(row).inserted { rows.append(row) }
        }
        return rows
    }

    /// The row for `metadata.uid`.
    public static func uidRow(_ uid: String) -> SearchRow {
        SearchRow(key: "metadata.uid", value: uid.lowercased(), originalValue: uid)
    }

    private static func visit(path: String, value: JSONValue, into raw: inout [(String, JSONValue)]) {
        if skippedPaths.contains(path) { return }
        switch value {
        case .object(let members):
            for (key, member) in members {
                visit(path: path.isEmpty ? key : "\(path).\(key)", value: member, into: &raw)
            }
        case .array(let elements):
            for element in elements {
                visit(path: path, value: element, into: &raw)
                if case .string(let text) = element {
                    raw.append(("\(path).\(text)", .bool(true)))
                }
            }
        default:
            if !path.isEmpty { raw.append((path, value)) }
        }
    }

    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            var bytes: [UInt8] = []
            JSONValue.writeDouble(number, into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        default: return nil
        }
    }
}
