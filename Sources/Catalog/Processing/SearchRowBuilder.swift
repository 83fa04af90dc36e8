/// Builds an entity's filter index rows, as Backstage's `buildEntitySearch` does: one row per
/// leaf path (arrays give a row per element plus `path.<element> = true`), keys and values
/// lower-cased, keys over 200 characters dropped, values over 200 characters kept as
/// "exists but not matchable".
public enum SearchRowBuilder {
    /// Why rows could not be built.
    public struct KeyCaseConflict: Error, Sendable, CustomStringConvertible {
        public var key: String
        public var description: String {
            "entity has keys that differ only in case (\(key)); keys must be unique regardless of case"
        }
    }

    /// The rows for `entity` (without `metadata.uid`, which the store adds once it knows it).
    ///
    /// Runs for every changed entity of every mutation (2.7 M rows for a 100,000-entity load), so
    /// it avoids work the result does not need: skipped paths are recognised by depth instead of
    /// hashing every path, ASCII text is lower-cased without Unicode tables, and rows are checked
    /// for duplicates only under a key seen before.
    public static func rows(for entity: Entity, json: JSONValue) throws(KeyCaseConflict) -> [SearchRow] {
        var raw: [(String, JSONValue)] = []
        raw.reserveCapacity(32)
        visit(path: "", depth: 0, underMetadata: false, value: json, into: &raw)
        raw.append(("metadata.name", .string(entity.metadata.name)))
        raw.append(("metadata.namespace", .string(entity.metadata.namespace ?? EntityRef.defaultNamespace)))

        // Lower-cased key → the raw key it came from; two raw keys on one key are a conflict.
        var seenKeys: [String: String] = [:]
        seenKeys.reserveCapacity(raw.count)
        var rows: [SearchRow] = []
        rows.reserveCapacity(raw.count)
        for (rawKey, rawValue) in raw {
            let key = lowercased(rawKey)
            let seenBefore: Bool
            if let previous = seenKeys.updateValue(rawKey, forKey: key) {
                if previous != rawKey { throw KeyCaseConflict(key: rawKey) }
                seenBefore = true
            } else {
                seenBefore = false
            }
            guard key.utf8.count <= SearchRow.maxKeyLength else { continue }
            let row: SearchRow
            if let original = scalarText(rawValue), fitsValueLength(original) {
                row = SearchRow(key: key, value: lowercased(original), originalValue: original)
            } else {
                row = SearchRow(key: key, value: nil, originalValue: nil)
            }
            // Only a key met before (array elements, keys with dots) can repeat a row.
            if seenBefore, rows.contains(row) { continue }
            rows.append(row)
        }
        return rows
    }

    /// The row for `metadata.uid`.
    public static func uidRow(_ uid: String) -> SearchRow {
        SearchRow(key: "metadata.uid", value: uid.lowercased(), originalValue: uid)
    }

    /// `text.lowercased()`, without allocating when ASCII text has no capitals and without
    /// Unicode case tables for ASCII text.
    static func lowercased(_ text: String) -> String {
        var hasCapital = false
        for byte in text.utf8 {
            if byte >= 0x80 { return text.lowercased() }
            if byte &- UInt8(ascii: "A") < 26 { hasCapital = true }
        }
        guard hasCapital else { return text }
        return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            var count = 0
            for byte in text.utf8 {
                buffer[count] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                count += 1
            }
            return count
        }
    }

    /// At most ``SearchRow/maxValueLength`` characters (counting characters only when the UTF-8
    /// length leaves a doubt: a string has no more characters than bytes).
    private static func fitsValueLength(_ text: String) -> Bool {
        text.utf8.count <= SearchRow.maxValueLength || text.count <= SearchRow.maxValueLength
    }

    /// Whether the member `key` at `depth` (1 for the root's members) under `metadata` or not is
    /// not indexed from the entity body: `attachments`, `relations` and `status` (relations have
    /// their own table), `metadata.name`, `metadata.namespace` (added explicitly), `metadata.uid`
    /// (added by the store) and `metadata.etag`.
    private static func isSkipped(_ key: String, depth: Int, underMetadata: Bool) -> Bool {
        switch depth {
        case 1: return key == "attachments" || key == "relations" || key == "status"
        case 2: return underMetadata && (key == "name" || key == "namespace" || key == "uid" || key == "etag")
        default: return false
        }
    }

    private static func visit(path: String, depth: Int, underMetadata: Bool, value: JSONValue,
                              into raw: inout [(String, JSONValue)]) {
        switch value {
        case .object(let members):
            for (key, member) in members where !isSkipped(key, depth: depth + 1, underMetadata: underMetadata) {
                visit(path: path.isEmpty ? key : path + "." + key, depth: depth + 1,
                      underMetadata: depth == 0 && key == "metadata", value: member, into: &raw)
            }
        case .array(let elements):
            for element in elements {
                visit(path: path, depth: depth, underMetadata: underMetadata, value: element, into: &raw)
                if case .string(let text) = element {
                    raw.append((path + "." + text, .bool(true)))
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
