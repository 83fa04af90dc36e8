import Catalog
import Foundation
import GRDB

extension SQLiteCatalogStore {
    public func entities(_ request: EntitiesRequest) async throws -> EntitiesPage {
        try await writer.read { db in
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
            let filter = FilterSQL(request.filter)
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
        try await writer.read { db in
            var arguments = StatementArguments()
            let filter = FilterSQL(request.filter)
            arguments += filter.arguments
            var conditions = [filter.sql]
            if let term = request.fullTextTerm?.lowercased(), !term.isEmpty {
                let fields = request.fullTextFields.isEmpty
                    ? [request.orderField?.field ?? "metadata.uid"] : request.fullTextFields.map { $0.lowercased() }
                let placeholders = Array(repeating: "?", count: fields.count).joined(separator: ",")
                conditions.append("""
                    e.id IN (SELECT s.entity_id FROM search s WHERE s.key IN (\(placeholders)) \
                    AND typeof(s.value) = 'text' AND s.value LIKE ? ESCAPE '\\')
                    """)
                arguments += StatementArguments(fields)
                arguments += ["%" + Self.escapeLike(term) + "%"]
            }
            let baseConditions = conditions
            let baseArguments = arguments

            let field = request.orderField?.field ?? "metadata.uid"
            let descending = request.orderField?.descending ?? false
            var sortArguments = StatementArguments()
            let sortExpression = FilterSQL.sortValue(field, arguments: &sortArguments)
            // Rows are read in the page's direction: forwards, or backwards for a previous page.
            let backwards = request.position?.backwards ?? false
            let ascending = descending == backwards
            var pageArguments = sortArguments + arguments
            if let position = request.position {
                // Keyset: (value IS NULL, value, uid) compared with the position, nulls last.
                let comparison = ascending ? ">" : "<"
                let nullRank = position.value == nil ? 1 : 0
                var keyset = StatementArguments()
                keyset += [nullRank, nullRank, position.value, position.uid]
                conditions.append("""
                    ((sv IS NULL) \(comparison) ? OR ((sv IS NULL) = ? AND (coalesce(sv, '') \(comparison) coalesce(?, '') \
                    OR (coalesce(sv, '') = coalesce(?, '') AND e.uid \(comparison) ?))))
                    """)
                keyset = [nullRank, nullRank, position.value, position.value, position.uid]
                pageArguments += keyset
            }
            let direction = ascending ? "ASC" : "DESC"
            let sql = """
                SELECT final, uid, sv FROM (SELECT e.id, e.ref, e.uid, e.final, \(sortExpression) AS sv FROM entities e) e
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY (sv IS NULL) \(direction), sv \(direction), e.uid \(direction)
                LIMIT ? OFFSET ?
                """
            pageArguments += [request.limit, request.position == nil ? request.offset : 0]
            var rows: [KeysetRow] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: pageArguments) {
                let json: Data = row[0]
                rows.append(KeysetRow(
                    json: [UInt8](json),
                    position: KeysetPosition(value: row[2], uid: row[1], backwards: false)))
            }
            if backwards { rows.reverse() }
            var total: Int?
            if countTotal {
                total = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM entities e WHERE \(baseConditions.joined(separator: " AND "))",
                    arguments: baseArguments) ?? 0
            }
            return (rows, total)
        }
    }

    static func escapeLike(_ term: String) -> String {
        var escaped = ""
        for character in term {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    public func entities(refs: [String], filter: EntityFilter) async throws -> [[UInt8]?] {
        guard !refs.isEmpty else { return [] }
        return try await writer.read { db in
            var found: [String: [UInt8]] = [:]
            let sqlFilter = FilterSQL(filter)
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
        try await writer.read { db in
            var result: [String: [FacetCount]] = [:]
            let sqlFilter = FilterSQL(filter)
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
                    arguments += [key]
                    arguments += sqlFilter.arguments
                    sql = """
                        SELECT s.original_value, count(DISTINCT s.entity_id) FROM search s
                        \(filter.isEmpty ? "" : "JOIN entities e ON e.id = s.entity_id")
                        WHERE s.key = ? AND s.original_value IS NOT NULL \(filter.isEmpty ? "" : "AND \(sqlFilter.sql)")
                        GROUP BY s.original_value ORDER BY s.original_value
                        """
                    if filter.isEmpty { arguments = [key] }
                }
                result[field] = try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                    FacetCount(value: $0[0], count: $0[1])
                }
            }
            return result
        }
    }

    public func providerStatuses() async throws -> [ProviderStatus] {
        try await writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT provider, count(*) FROM entities GROUP BY provider") {
                counts[row[0]] = row[1]
            }
            var info: [String: (String?, String?, String?)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, last_full_sync_at, last_mutation_at, last_error FROM providers") {
                info[row[0]] = (row[1], row[2], row[3])
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
            let names = Set(counts.keys).union(info.keys)
            return names.sorted().map { name in
                ProviderStatus(
                    name: name, entityCount: counts[name] ?? 0, lastFullSyncAt: info[name]?.0,
                    lastMutationAt: info[name]?.1, lastError: info[name]?.2, rejected: rejected[name] ?? [],
                    conflicts: conflicts[name] ?? [])
            }
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
            guard let row = try Row.fetchOne(db, sql: "SELECT min(seq), max(seq) FROM changes"),
                let low: Int64 = row[0], let high: Int64 = row[1]
            else { return nil }
            return low...high
        }
    }
}
