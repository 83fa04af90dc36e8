import Catalog
import PostgresNIO

/// SQL text with its bound values, built piece by piece: ``bind(_:)`` appends a value and
/// returns its `$n` placeholder, so values never enter the text.
struct BoundSQL {
    var binds = PostgresBindings()
    private var count = 0

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        count += 1
        return "$\(count)"
    }

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        count += 1
        return "$\(count)"
    }

    /// The query: `sql` must have been written with this builder's placeholders.
    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// A condition on the entities table (aliased `e`) matching ``EntityFilter``: index lookups
    /// in `catalog_search(key, value)` for fields and `catalog_relations` for `relations.<type>`.
    mutating func condition(_ filter: EntityFilter) -> String {
        guard !filter.isEmpty else { return "true" }
        var disjuncts: [String] = []
        for conjunction in filter.anyOf {
            let parts = conjunction.conditions.map { condition($0) }
            disjuncts.append(parts.isEmpty ? "true" : "(" + parts.joined(separator: " AND ") + ")")
        }
        return "(" + disjuncts.joined(separator: " OR ") + ")"
    }

    private mutating func condition(_ condition: EntityFilter.Condition) -> String {
        if let type = condition.relationType {
            if condition.values.isEmpty {
                return """
                    EXISTS (SELECT 1 FROM catalog_relations r WHERE r.source_ref = e.ref AND lower(r.type) = lower(\(bind(type))))
                    """
            }
            return """
                e.ref IN (SELECT r.source_ref FROM catalog_relations r WHERE r.target_ref = ANY(\(bind(condition.values))) \
                AND lower(r.type) = lower(\(bind(type))))
                """
        }
        if condition.values.isEmpty {
            return "e.id IN (SELECT s.entity_id FROM catalog_search s WHERE s.key = \(bind(condition.key)))"
        }
        return """
            e.id IN (SELECT s.entity_id FROM catalog_search s WHERE s.key = \(bind(condition.key)) \
            AND s.value = ANY(\(bind(condition.values))))
            """
    }

    /// The SQL expression of an entity's sort value for `field` (NULL when it has none).
    mutating func sortValue(_ field: String) -> String {
        switch field {
        case "metadata.uid": return "e.uid"
        default:
            return """
                (SELECT min(s.value) FROM catalog_search s WHERE s.entity_id = e.id AND s.key = \(bind(field)))
                """
        }
    }
}
