import Catalog
import GRDB

/// A set of entity ids (the `entities` rowids, which are dense) as a bitmap: one bit per id up to
/// the largest. Intersecting the postings of several filter conditions this way costs one
/// index-ordered read of each condition's entries, where SQL would probe one condition's
/// entries against the others one B-tree seek at a time.
struct EntityIDSet {
    private var words: [UInt64]

    /// An empty set for ids from 0 to `maxID`.
    init(maxID: Int64) {
        words = Array(repeating: 0, count: Int(max(maxID, 0) / 64) + 1)
    }

    mutating func insert(_ id: Int64) {
        let index = Int(id >> 6)
        guard id >= 0, index < words.count else { return }
        words[index] |= 1 << UInt64(id & 63)
    }

    func contains(_ id: Int64) -> Bool {
        let index = Int(id >> 6)
        guard id >= 0, index < words.count else { return false }
        return words[index] & (1 << UInt64(id & 63)) != 0
    }

    mutating func formIntersection(_ other: EntityIDSet) {
        for index in words.indices { words[index] &= other.words[index] }
    }

    mutating func formUnion(_ other: EntityIDSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The entities matching `filter`, read from the `search(key, value, …)` index; nil when the
    /// filter is empty or has a condition this cannot read (`relations.<type>`, an empty
    /// conjunction).
    static func matching(_ filter: EntityFilter, in db: Database) throws -> EntityIDSet? {
        guard !filter.isEmpty, !FilterSQL.testsRelations(filter),
              !filter.anyOf.contains(where: { $0.conditions.isEmpty })
        else { return nil }
        let maxID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM entities") ?? 0
        var result = EntityIDSet(maxID: maxID)
        for conjunction in filter.anyOf {
            var matches: EntityIDSet?
            for condition in conjunction.conditions {
                var ids = EntityIDSet(maxID: maxID)
                try ids.insert(entriesOf: condition, in: db)
                if matches == nil { matches = ids } else { matches?.formIntersection(ids) }
            }
            if let matches { result.formUnion(matches) }
        }
        return result
    }

    /// Adds the entities with an index entry for `condition` (a field condition).
    private mutating func insert(entriesOf condition: EntityFilter.Condition, in db: Database) throws {
        var arguments: StatementArguments = [condition.key]
        arguments += StatementArguments(condition.values)
        let placeholders = Array(repeating: "?", count: condition.values.count).joined(separator: ",")
        let sql = "SELECT entity_id FROM search WHERE key = \(CatalogSchema.searchKeyID)"
            + (condition.values.isEmpty ? "" : " AND value IN (\(placeholders))")
        try insert(ids: sql, arguments: arguments, in: db)
    }

    /// Adds the ids the query `sql` selects (one integer column).
    mutating func insert(ids sql: String, arguments: StatementArguments, in db: Database) throws {
        let cursor = try Int64.fetchCursor(db, sql: sql, arguments: arguments)
        while let id = try cursor.next() { insert(id) }
    }

    /// The number of members among the ids the query `sql` selects (one integer column).
    func count(ids sql: String, arguments: StatementArguments, in db: Database) throws -> Int {
        var found = 0
        let cursor = try Int64.fetchCursor(db, sql: sql, arguments: arguments)
        while let id = try cursor.next() {
            if contains(id) { found += 1 }
        }
        return found
    }
}
