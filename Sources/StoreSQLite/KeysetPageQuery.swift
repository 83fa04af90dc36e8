import Catalog
import Foundation
import GRDB

/// Reads one page of `GET /entities/by-query` in index order, without sorting the catalog.
///
/// The listing's order is the tuple (sort value is null, sort value, uid), ascending or
/// descending, where an entity's sort value is the smallest text value it has for the order
/// field. It is read as two segments, each in the order of an index:
/// - **valued**: entities with a text value, in `(value, uid)` order. Rows come from a range scan
///   of `search(key, value)` for the field (the entity's smallest value only), joined to
///   `entities`; SQLite sorts only entities that share a value, and stops at the page's end.
///   For `metadata.uid` the segment is the `entities` uid index itself.
/// - **unvalued**: entities without one, in uid order. For fields every entity has an index row
///   for (``alwaysIndexed``) those are the few rows whose value is too long to match, found in
///   the same index; for other fields the uid index is scanned.
///
/// Ascending reads the valued segment, then the unvalued one; descending the reverse. A position
/// picks the segment it is in and continues from it.
struct KeysetPageQuery {
    /// Fields whose index row every entity has (`SearchRowBuilder` always adds name and
    /// namespace; `kind` and `apiVersion` are required strings): an entity without a text value
    /// for them has an empty-BLOB row in the same index.
    static let alwaysIndexed: Set<String> = ["metadata.name", "metadata.namespace", "kind", "apiversion"]

    let field: String
    /// Reading direction of the tuple (true: ascending).
    let ascending: Bool
    let position: KeysetPosition?
    /// Conditions on `e` (filter and full-text term) that every row must meet, with arguments.
    let conditions: String
    let arguments: StatementArguments

    func rows(limit: Int, offset: Int, in db: Database) throws -> [KeysetRow] {
        let needed = limit + offset
        var rows: [KeysetRow] = []
        let segments: [Bool] = ascending ? [true, false] : [false, true]
        for valued in segments where rows.count < needed {
            rows += try read(valued: valued, limit: needed - rows.count, in: db)
        }
        return Array(rows.dropFirst(offset))
    }

    /// Which part of a segment the position leaves to read: everything, nothing, or what lies
    /// beyond the position.
    private enum Range {
        case all, none, after(KeysetPosition)
    }

    private func range(valued: Bool) -> Range {
        guard let position else { return .all }
        let positionValued = position.value != nil
        if positionValued == valued { return .after(position) }
        // The position is in the other segment: this one lies wholly before it (skip) or after.
        let thisSegmentFirst = valued == ascending
        return thisSegmentFirst ? .none : .all
    }

    private func read(valued: Bool, limit: Int, in db: Database) throws -> [KeysetRow] {
        let range = range(valued: valued)
        if case .none = range { return [] }
        if field == "metadata.uid" && !valued { return [] }
        let direction = ascending ? "ASC" : "DESC"
        let comparison = ascending ? ">" : "<"
        var arguments = StatementArguments()
        var sql: String
        var keyset = ""
        if field == "metadata.uid" {
            sql = "SELECT e.final, e.uid, e.uid FROM entities e WHERE \(conditions)"
            arguments += self.arguments
            if case .after(let position) = range {
                keyset = " AND e.uid \(comparison) ?"
                arguments += [position.uid]
            }
            sql += keyset + " ORDER BY e.uid \(direction) LIMIT ?"
        } else if valued {
            // The first row of (entity_id, key) in the primary key is the entity's smallest value.
            sql = """
                SELECT e.final, e.uid, s.value FROM search s CROSS JOIN entities e ON e.id = s.entity_id
                WHERE s.key = \(CatalogSchema.searchKeyID) AND typeof(s.value) = 'text'
                AND s.value = (SELECT min(m.value) FROM search m WHERE m.entity_id = s.entity_id AND m.key = s.key)
                AND \(conditions)
                """
            arguments += [field]
            arguments += self.arguments
            // Bound the index range on both sides (every text sorts before every BLOB). SQLite
            // uses one bound per side, so a descending page after a position bounds by the position.
            if case .after(let position) = range, let value = position.value {
                sql += " AND s.value \(comparison)= ? AND (s.value \(comparison) ? OR e.uid \(comparison) ?)"
                arguments += [value, value, position.uid]
                if ascending { sql += " AND s.value < X''" }
            } else {
                sql += " AND s.value < X''"
            }
            sql += " ORDER BY s.value \(direction), e.uid \(direction) LIMIT ?"
        } else {
            // Entities without a text value for the field, in uid order.
            var source = "entities e WHERE"
            if Self.alwaysIndexed.contains(field) {
                // Every text sorts before every BLOB: the range starts at the unmatchable values.
                source = "search s CROSS JOIN entities e ON e.id = s.entity_id WHERE s.key = \(CatalogSchema.searchKeyID) AND s.value >= X'' AND"
                arguments += [field]
            }
            sql = """
                SELECT e.final, e.uid, NULL FROM \(source)
                NOT EXISTS (SELECT 1 FROM search m WHERE m.entity_id = e.id AND m.key = \(CatalogSchema.searchKeyID) AND typeof(m.value) = 'text')
                AND \(conditions)
                """
            arguments += [field]
            arguments += self.arguments
            if case .after(let position) = range {
                sql += " AND e.uid \(comparison) ?"
                arguments += [position.uid]
            }
            sql += " ORDER BY e.uid \(direction) LIMIT ?"
        }
        arguments += [limit]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let json: Data = row[0]
            return KeysetRow(json: [UInt8](json), position: KeysetPosition(value: row[2], uid: row[1], backwards: false))
        }
    }
}
