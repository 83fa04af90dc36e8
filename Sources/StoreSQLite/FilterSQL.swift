import Catalog
import GRDB

/// Compiles an ``EntityFilter`` into a SQL condition on the entities table (aliased `e`), in one
/// of two shapes that select the same entities but suit different query plans:
/// - ``Shape/drive``: `e.id IN (SELECT …)`, a lookup on `search(key, value)` (fields) or
///   `relations(target_ref, type)` (`relations.<type>`). SQLite can start from the matching ids,
///   which is right when few entities match.
/// - ``Shape/probe``: a correlated `EXISTS` per condition, answered by a primary-key seek on
///   `search(entity_id, key, value)` or `relations_source`. Right when the rows are read in an
///   index's order (ref, uid, a sort field) and most of them match: the read stops at the page's
///   end instead of materialising every matching id first.
///
/// ``shape(for:in:)`` picks one from a capped count of each condition's matches.
struct FilterSQL {
    var sql: String
    var arguments: StatementArguments

    /// How the conditions are written (see the type's documentation).
    enum Shape {
        case drive, probe
    }

    /// Below this many matches (summed over the OR'ed conjunctions, each counted by its most
    /// selective condition) a filter is read from its matches; above, by probing rows in order.
    static let selectiveMatches = 2_000

    static let matchAll = FilterSQL(sql: "1", arguments: [])

    init(sql: String, arguments: StatementArguments) {
        self.sql = sql
        self.arguments = arguments
    }

    /// - Parameter entityID: the SQL of the entity id the conditions test; a query over `search`
    ///   rows can test their `entity_id` without joining `entities`, when the filter has no
    ///   `relations.<type>` condition (those test `e.ref`).
    init(_ filter: EntityFilter, shape: Shape = .drive, entityID: String = "e.id") {
        guard !filter.isEmpty else {
            self = .matchAll
            return
        }
        var arguments = StatementArguments()
        var disjuncts: [String] = []
        for conjunction in filter.anyOf {
            var parts: [String] = []
            for condition in conjunction.conditions {
                parts.append(Self.condition(condition, shape: shape, entityID: entityID, arguments: &arguments))
            }
            disjuncts.append(parts.isEmpty ? "1" : "(" + parts.joined(separator: " AND ") + ")")
        }
        self.init(sql: "(" + disjuncts.joined(separator: " OR ") + ")", arguments: arguments)
    }

    private static func condition(_ condition: EntityFilter.Condition, shape: Shape, entityID: String,
                                  arguments: inout StatementArguments) -> String {
        let placeholders = Array(repeating: "?", count: condition.values.count).joined(separator: ",")
        if let type = condition.relationType {
            if condition.values.isEmpty {
                arguments += [type]
                return "EXISTS (SELECT 1 FROM relations r WHERE r.source_ref = e.ref AND r.type = ? COLLATE NOCASE)"
            }
            switch shape {
            case .drive:
                arguments += StatementArguments(condition.values)
                arguments += [type]
                return """
                    e.ref IN (SELECT r.source_ref FROM relations r WHERE r.target_ref IN (\(placeholders)) \
                    AND r.type = ? COLLATE NOCASE)
                    """
            case .probe:
                arguments += [type]
                arguments += StatementArguments(condition.values)
                return """
                    EXISTS (SELECT 1 FROM relations r WHERE r.source_ref = e.ref AND r.type = ? COLLATE NOCASE \
                    AND r.target_ref IN (\(placeholders)))
                    """
            }
        }
        arguments += [condition.key]
        arguments += StatementArguments(condition.values)
        let value = condition.values.isEmpty ? "" : " AND f.value IN (\(placeholders))"
        switch shape {
        case .drive:
            return "\(entityID) IN (SELECT f.entity_id FROM search f WHERE f.key = \(CatalogSchema.searchKeyID)\(value))"
        case .probe:
            return "EXISTS (SELECT 1 FROM search f WHERE f.entity_id = \(entityID) AND f.key = \(CatalogSchema.searchKeyID)\(value))"
        }
    }

    /// The shape that reads `filter` fastest: ``Shape/drive`` when it matches fewer than
    /// `threshold` (default ``selectiveMatches``) entities, ``Shape/probe`` otherwise. Each
    /// condition's matches are counted on its index, stopping at the threshold, so this costs at
    /// most a few thousand index steps per condition.
    static func shape(for filter: EntityFilter, threshold: Int = selectiveMatches, in db: Database) throws -> Shape {
        guard !filter.isEmpty, threshold > 0 else { return .probe }
        var total = 0
        for conjunction in filter.anyOf {
            var smallest = threshold
            for condition in conjunction.conditions {
                smallest = min(smallest, try cappedMatches(condition, limit: smallest, in: db))
                if smallest == 0 { break }
            }
            total += smallest
            if total >= threshold { return .probe }
        }
        return .drive
    }

    /// How many index entries match `condition`, counting no further than `limit`.
    private static func cappedMatches(_ condition: EntityFilter.Condition, limit: Int, in db: Database) throws -> Int {
        let placeholders = Array(repeating: "?", count: condition.values.count).joined(separator: ",")
        var arguments = StatementArguments()
        let sql: String
        if let type = condition.relationType {
            // No index leads with the type alone: an exists-test on a relation type is not selective.
            guard !condition.values.isEmpty else { return limit }
            arguments += StatementArguments(condition.values)
            arguments += [type]
            sql = "SELECT 1 FROM relations WHERE target_ref IN (\(placeholders)) AND type = ? COLLATE NOCASE"
        } else {
            arguments += [condition.key]
            arguments += StatementArguments(condition.values)
            sql = "SELECT 1 FROM search WHERE key = \(CatalogSchema.searchKeyID)" + (condition.values.isEmpty ? "" : " AND value IN (\(placeholders))")
        }
        arguments += [limit]
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(sql) LIMIT ?)", arguments: arguments) ?? 0
    }

    /// True when a condition tests relations, which needs the entity's ref (`e.ref`).
    static func testsRelations(_ filter: EntityFilter) -> Bool {
        filter.anyOf.contains { $0.conditions.contains { $0.relationType != nil } }
    }

    /// The SQL expression of an entity's sort value for `field` (nil when it has none).
    static func sortValue(_ field: String, arguments: inout StatementArguments) -> String {
        switch field {
        case "metadata.uid": return "e.uid"
        default:
            arguments += [field]
            return """
                (SELECT min(s.value) FROM search s WHERE s.entity_id = e.id AND s.key = \(CatalogSchema.searchKeyID) AND typeof(s.value) = 'text')
                """
        }
    }
}
