import Catalog
import Foundation
import GRDB

extension SQLiteCatalogStore {
    public func entities(_ request: EntitiesRequest) async throws -> EntitiesPage {
        let threshold = selectiveMatches
        return try await writer.read { db in
            // Sort values are selected as columns (their arguments come first), then ordered by alias.
            var arguments = StatementArguments()
            var columns = ["e.final"]
            var orderTerms: [String] = []
            for (index, order) in request.order.enumerated() {
                let expression = FilterSQL.sortValue(order.field, arguments: &arguments)
                columns.append("\(expression) AS o\(index)")
                orderTerms.append("(o\(index) IS NULL), o\(index) \(order.descending ? "DESC" : "ASC")")
            }
            orderTerms.append("e.ref ASC")
            // Without order fields the rows come in ref order from its unique index.
            let shape = try FilterSQL.shape(for: request.filter, threshold: threshold, in: db)
            let filter = FilterSQL(request.filter, shape: shape)
            arguments += filter.arguments
            var sql = """
                SELECT \(columns.joined(separator: ", ")) FROM entities e WHERE \(filter.sql) \
                ORDER BY \(orderTerms.joined(separator: ", "))
                """
            if let limit = request.limit {
                sql += " LIMIT ? OFFSET ?"
                arguments += [limit + 1, request.offset]
            } else if request.offset > 0 {
                sql += " LIMIT -1 OFFSET ?"
                arguments += [request.offset]
            }
            var rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row -> [UInt8] in
                let json: Data = row[0]
                return [UInt8](json)
            }
            var hasMore = false
            if let limit = request.limit, rows.count > limit {
                rows.removeLast(rows.count - limit)
                hasMore = true
            }
            return EntitiesPage(entities: rows, hasMore: hasMore)
        }
    }

    public func queryEntities(_ request: QueryEntitiesRequest, countTotal: Bool) async throws
        -> (rows: [KeysetRow], totalItems: Int?)
    {
        let threshold = selectiveMatches
        return try await writer.read { db in
            let shape = try FilterSQL.shape(for: request.filter, threshold: threshold, in: db)
            let filter = FilterSQL(request.filter, shape: shape)
            var fullText: FilterSQL?
            if let term = request.fullTextTerm?.lowercased(), !term.isEmpty {
                let fields = request.fullTextFields.isEmpty
                    ? [request.orderField?.field ?? "metadata.uid"] : request.fullTextFields.map { $0.lowercased() }
                let placeholders = Array(repeating: "?", count: fields.count).joined(separator: ",")
                var arguments = StatementArguments(fields)
                arguments += [LikePattern.containing(term)]
                fullText = FilterSQL(sql: """
                    e.id IN (SELECT s.entity_id FROM search s WHERE s.key IN (SELECT id FROM search_keys WHERE name IN (\(placeholders))) \
                    AND typeof(s.value) = 'text' AND s.value LIKE ? ESCAPE '\\')
                    """, arguments: arguments)
            }
            var conditions = filter
            if let fullText {
                conditions = FilterSQL(sql: filter.sql + " AND " + fullText.sql,
                                       arguments: filter.arguments + fullText.arguments)
            }
            let field = request.orderField?.field ?? "metadata.uid"
            let descending = request.orderField?.descending ?? false
            // Rows are read in the page's direction: forwards, or backwards for a previous page.
            let backwards = request.position?.backwards ?? false
            var rows: [KeysetRow]
            if shape == .probe && fullText == nil {
                // Most entities match: read in the order field's index order, stopping at the page.
                rows = try KeysetPageQuery(
                    field: field, ascending: descending == backwards, position: request.position,
                    conditions: conditions.sql, arguments: conditions.arguments
                ).rows(limit: request.limit, offset: request.position == nil ? request.offset : 0, in: db)
            } else {
                // Few entities match (or a full-text term selects them): sort just those.
                rows = try Self.sortedPage(request, field: field, ascending: descending == backwards,
                                           conditions: conditions, in: db)
            }
            if backwards { rows.reverse() }
            var total: Int?
            if countTotal {
                total = try Self.count(request.filter, fullText: fullText, in: db)
            }
            return (rows, total)
        }
    }

    /// A keyset page of the entities meeting `conditions`, each with its sort value computed
    /// and the matches sorted: right when few entities match.
    private static func sortedPage(_ request: QueryEntitiesRequest, field: String, ascending: Bool,
                                   conditions: FilterSQL, in db: Database) throws -> [KeysetRow] {
        var sortArguments = StatementArguments()
        let sortExpression = FilterSQL.sortValue(field, arguments: &sortArguments)
        var pageArguments = sortArguments + conditions.arguments
        var where_ = [conditions.sql]
        if let position = request.position {
            // Keyset: (value IS NULL, value, uid) compared with the position, nulls last.
            let comparison = ascending ? ">" : "<"
            let nullRank = position.value == nil ? 1 : 0
            where_.append("""
                ((sv IS NULL) \(comparison) ? OR ((sv IS NULL) = ? AND (coalesce(sv, '') \(comparison) coalesce(?, '') \
                OR (coalesce(sv, '') = coalesce(?, '') AND e.uid \(comparison) ?))))
                """)
            pageArguments += [nullRank, nullRank, position.value, position.value, position.uid]
        }
        let direction = ascending ? "ASC" : "DESC"
        let sql = """
            SELECT final, uid, sv FROM (SELECT e.id, e.ref, e.uid, e.final, \(sortExpression) AS sv FROM entities e) e
            WHERE \(where_.joined(separator: " AND "))
            ORDER BY (sv IS NULL) \(direction), sv \(direction), e.uid \(direction)
            LIMIT ? OFFSET ?
            """
        pageArguments += [request.limit, request.position == nil ? request.offset : 0]
        return try Row.fetchAll(db, sql: sql, arguments: pageArguments).map { row in
            let json: Data = row[0]
            return KeysetRow(json: [UInt8](json), position: KeysetPosition(value: row[2], uid: row[1], backwards: false))
        }
    }

    /// How many entities match `filter` (and the full-text condition). A single conjunction is
    /// counted from the index entries of its field condition with the fewest, probing the other
    /// conditions per entry, instead of collecting every matching id first.
    static func count(_ filter: EntityFilter, fullText: FilterSQL?, in db: Database) throws -> Int {
        if filter.isEmpty && fullText == nil {
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM entities") ?? 0
        }
        // Several conditions on fields: intersect their entries' ids.
        if fullText == nil, filter.anyOf.count > 1 || filter.anyOf.first?.conditions.count ?? 0 > 1,
           let ids = try EntityIDSet.matching(filter, in: db)
        {
            return ids.count
        }
        guard fullText == nil, filter.anyOf.count == 1, let conditions = filter.anyOf.first?.conditions,
              let driverIndex = try countDriver(conditions, in: db)
        else {
            var conditions = FilterSQL(filter, shape: .drive)
            if let fullText {
                conditions = FilterSQL(sql: conditions.sql + " AND " + fullText.sql,
                                       arguments: conditions.arguments + fullText.arguments)
            }
            return try Int.fetchOne(
                db, sql: "SELECT count(*) FROM entities e WHERE \(conditions.sql)", arguments: conditions.arguments) ?? 0
        }
        let driver = conditions[driverIndex]
        var others = conditions
        others.remove(at: driverIndex)
        let rest = EntityFilter(anyOf: others.isEmpty ? [] : [.init(conditions: others)])
        // One row per (entity, key, value): a single value counts each entity once.
        let counted = driver.values.count == 1 ? "count(*)" : "count(DISTINCT d.entity_id)"
        var arguments: StatementArguments = [driver.key]
        arguments += StatementArguments(driver.values)
        let placeholders = Array(repeating: "?", count: driver.values.count).joined(separator: ",")
        let joinsEntities = FilterSQL.testsRelations(rest)
        var sql = "SELECT \(counted) FROM search d"
        if joinsEntities { sql += " CROSS JOIN entities e ON e.id = d.entity_id" }
        sql += " WHERE d.key = \(CatalogSchema.searchKeyID)" + (driver.values.isEmpty ? "" : " AND d.value IN (\(placeholders))")
        if !rest.isEmpty {
            let probe = FilterSQL(rest, shape: .probe, entityID: joinsEntities ? "e.id" : "d.entity_id")
            sql += " AND " + probe.sql
            arguments += probe.arguments
        }
        return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
    }

    /// The field condition to count from: the one with values and the fewest index entries (an
    /// exists-test when there is none with values); nil when every condition is on relations.
    private static func countDriver(_ conditions: [EntityFilter.Condition], in db: Database) throws -> Int? {
        let valued = conditions.indices.filter { conditions[$0].relationType == nil && !conditions[$0].values.isEmpty }
        guard valued.count > 1 else {
            return valued.first ?? conditions.firstIndex { $0.relationType == nil }
        }
        var best: (index: Int, entries: Int)?
        for index in valued {
            let condition = conditions[index]
            let placeholders = Array(repeating: "?", count: condition.values.count).joined(separator: ",")
            var arguments: StatementArguments = [condition.key]
            arguments += StatementArguments(condition.values)
            let entries = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM search WHERE key = \(CatalogSchema.searchKeyID) AND value IN (\(placeholders))",
                arguments: arguments) ?? 0
            if entries < best?.entries ?? Int.max { best = (index, entries) }
        }
        return best?.index
    }

    public func entities(refs: [String], filter: EntityFilter) async throws -> [[UInt8]?] {
        guard !refs.isEmpty else { return [] }
        return try await writer.read { db in
            var found: [String: [UInt8]] = [:]
            // The refs pick the rows: the filter is probed on each.
            let sqlFilter = FilterSQL(filter, shape: .probe)
            let lowered = refs.map { $0.lowercased() }
            for chunk in stride(from: 0, to: lowered.count, by: 500) {
                let slice = Array(lowered[chunk..<min(chunk + 500, lowered.count)])
                let placeholders = Array(repeating: "?", count: slice.count).joined(separator: ",")
                var arguments = StatementArguments(slice)
                arguments += sqlFilter.arguments
                for row in try Row.fetchAll(db, sql: """
                    SELECT e.ref, e.final FROM entities e WHERE e.ref IN (\(placeholders)) AND \(sqlFilter.sql)
                    """, arguments: arguments)
                {
                    let json: Data = row[1]
                    found[row[0]] = [UInt8](json)
                }
            }
            return lowered.map { found[$0] }
        }
    }

    public func entity(uid: String) async throws -> [UInt8]? {
        try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT final FROM entities WHERE uid = ?", arguments: [uid]).map { [UInt8]($0) }
        }
    }

    public func entity(ref: String) async throws -> [UInt8]? {
        try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT final FROM entities WHERE ref = ?", arguments: [ref.lowercased()])
                .map { [UInt8]($0) }
        }
    }

    public func facets(_ fields: [String], filter: EntityFilter) async throws -> [String: [FacetCount]] {
        let threshold = selectiveMatches
        return try await writer.read { db in
            var result: [String: [FacetCount]] = [:]
            let shape = try FilterSQL.shape(for: filter, threshold: threshold, in: db)
            let sqlFilter = FilterSQL(filter, shape: shape)
            // Most entities match: intersect id sets rather than probe the filter per entry.
            let ids = shape == .probe ? try EntityIDSet.matching(filter, in: db) : nil
            for field in fields {
                let key = field.lowercased()
                var arguments = StatementArguments()
                let sql: String
                if key.hasPrefix("relations.") {
                    arguments += [String(key.dropFirst("relations.".count))]
                    arguments += sqlFilter.arguments
                    sql = """
                        SELECT r.target_ref, count(DISTINCT e.id) FROM relations r JOIN entities e ON e.ref = r.source_ref
                        WHERE r.type = ? COLLATE NOCASE AND \(sqlFilter.sql) GROUP BY r.target_ref ORDER BY r.target_ref
                        """
                } else {
                    if let ids, let counts = try Self.facetCounts(key: key, among: ids, in: db) {
                        result[field] = counts
                        continue
                    }
                    // The index's range for the key, in (value, original) order; the filter is
                    // tested on each entry's entity, joining `entities` only for relations.
                    let joinsEntities = FilterSQL.testsRelations(filter)
                    let entryFilter = joinsEntities ? sqlFilter : FilterSQL(filter, shape: shape, entityID: "s.entity_id")
                    arguments += [key]
                    arguments += entryFilter.arguments
                    sql = """
                        SELECT shown, sum(n) FROM (
                            SELECT coalesce(s.original_value, s.value) AS shown, count(*) AS n FROM search s
                            \(joinsEntities ? "CROSS JOIN entities e ON e.id = s.entity_id" : "")
                            WHERE s.key = \(CatalogSchema.searchKeyID) AND s.value < X'' AND \(entryFilter.sql)
                            GROUP BY s.value, s.original_value)
                        GROUP BY shown ORDER BY shown
                        """
                }
                result[field] = try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                    FacetCount(value: $0[0], count: $0[1])
                }
            }
            return result
        }
    }

    /// The facet counts of `key` among `ids`, one distinct (value, original) pair at a time from
    /// the `search(key, value, original_value)` index; nil when the key has more than
    /// ``facetPairsCounted`` pairs (the caller then probes the filter per entry in SQL).
    static func facetCounts(key: String, among ids: EntityIDSet, in db: Database) throws -> [FacetCount]? {
        let pairs = try Row.fetchAll(db, sql: """
            SELECT value, original_value FROM search WHERE key = \(CatalogSchema.searchKeyID) AND value < X''
            GROUP BY value, original_value LIMIT ?
            """, arguments: [key, facetPairsCounted + 1])
        guard pairs.count <= facetPairsCounted else { return nil }
        var counts: [FacetCount] = []
        for pair in pairs {
            let value: DatabaseValue = pair[0]
            // NULL when the original is the value itself (see the `v5-search-key-ids` migration).
            let storedOriginal: DatabaseValue = pair[1]
            let count = try ids.count(
                ids: "SELECT entity_id FROM search WHERE key = \(CatalogSchema.searchKeyID) AND value = ? AND original_value IS ?",
                arguments: [key, value, storedOriginal], in: db)
            let original = String.fromDatabaseValue(storedOriginal) ?? String.fromDatabaseValue(value) ?? ""
            if count > 0 { counts.append(FacetCount(value: original, count: count)) }
        }
        return counts.sorted { $0.value.utf8.lexicographicallyPrecedes($1.value.utf8) }
    }

    /// See ``facetCounts(key:among:in:)``.
    static let facetPairsCounted = 1_000

    public func providerStatuses() async throws -> [ProviderStatus] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT provider, count(*) FROM entities GROUP BY provider") {
                counts[row[0]] = row[1]
            }
            var info: [String: ProviderStatus.Bookkeeping] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, last_full_sync_at, last_mutation_at, last_error FROM providers") {
                info[row[0]] = ProviderStatus.Bookkeeping(lastFullSyncAt: row[1], lastMutationAt: row[2], lastError: row[3])
            }
            var rejected: [String: [EntityRejection]] = [:]
            let decoder = JSONDecoder()
            for row in try Row.fetchAll(db, sql: "SELECT provider, ref, errors FROM provider_rejections ORDER BY provider, ref") {
                let errorsText: String = row[2]
                let errors = (try? decoder.decode([String].self, from: Data(errorsText.utf8))) ?? []
                let ref: String = row[1]
                rejected[row[0], default: []].append(EntityRejection(entityRef: ref.isEmpty ? nil : ref, errors: errors))
            }
            var conflicts: [String: [LocationKeyConflict]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT provider, ref, owner, existing_key, new_key FROM provider_conflicts ORDER BY provider, ref
                """)
            {
                conflicts[row[0], default: []].append(LocationKeyConflict(
                    entityRef: row[1], owner: row[2], existingLocationKey: row[3], newLocationKey: row[4]))
            }
            return ProviderStatus.assemble(entityCounts: counts, bookkeeping: info, rejected: rejected,
                                           conflicts: conflicts)
        }
    }

    public func changes(after sequence: Int64, limit: Int) async throws -> [CatalogChange] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, type, ref, uid, etag, provider FROM changes WHERE seq > ? ORDER BY seq LIMIT ?
                """, arguments: [sequence, limit]).compactMap { row in
                guard let type = CatalogChange.Kind(rawValue: row[1]) else { return nil }
                return CatalogChange(sequence: row[0], type: type, entityRef: row[2], uid: row[3], etag: row[4],
                                     provider: row[5])
            }
        }
    }

    public func changeRange() async throws -> ClosedRange<Int64>? {
        try await writer.read { db in
            // Two subqueries: SQLite answers a lone min() or max() from the key's ends, but scans
            // the table for both in one select.
            guard let row = try Row.fetchOne(db, sql: "SELECT (SELECT min(seq) FROM changes), (SELECT max(seq) FROM changes)"),
                let low: Int64 = row[0], let high: Int64 = row[1]
            else { return nil }
            return low...high
        }
    }
}
