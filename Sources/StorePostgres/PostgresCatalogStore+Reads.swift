import Catalog
import Foundation
import PostgresNIO

/// Reads: straight from the indexes, outside any transaction (each sees the latest commit).
extension PostgresCatalogStore {
    public func entities(_ request: EntitiesRequest) async throws -> EntitiesPage {
        var sql = BoundSQL()
        var columns = ["e.final", "e.ref"]
        var orderTerms: [String] = []
        for (index, order) in request.order.enumerated() {
            columns.append("\(sql.sortValue(order.field)) AS o\(index)")
            orderTerms.append("(o\(index) IS NULL), o\(index) \(order.descending ? "DESC" : "ASC")")
        }
        orderTerms.append("e.ref ASC")
        var text = """
            SELECT final FROM (
                SELECT \(columns.joined(separator: ", ")) FROM catalog_entities e WHERE \(sql.condition(request.filter))
            ) e ORDER BY \(orderTerms.joined(separator: ", "))
            """
        if let limit = request.limit {
            text += " LIMIT \(sql.bind(Int64(limit + 1)))"
        }
        if request.offset > 0 {
            text += " OFFSET \(sql.bind(Int64(request.offset)))"
        }
        let query = sql.query(text)
        return try await run("read entities") {
            var entities = try await database.rows(query).map { [UInt8](try $0.decode(Data.self)) }
            var hasMore = false
            if let limit = request.limit, entities.count > limit {
                entities.removeLast(entities.count - limit)
                hasMore = true
            }
            return EntitiesPage(entities: entities, hasMore: hasMore)
        }
    }

    public func queryEntities(_ request: QueryEntitiesRequest, countTotal: Bool) async throws
        -> (rows: [KeysetRow], totalItems: Int?)
    {
        let field = request.orderField?.field ?? "metadata.uid"
        var sql = BoundSQL()
        let sortExpression = sql.sortValue(field)
        var conditions = Self.matchConditions(request, field: field, &sql)
        let descending = request.orderField?.descending ?? false
        // Rows are read in the page's direction: forwards, or backwards for a previous page.
        let backwards = request.position?.backwards ?? false
        let ascending = descending == backwards
        if let position = request.position {
            // Keyset: (value IS NULL, value, uid) compared with the position, nulls last.
            let comparison = ascending ? ">" : "<"
            let nullRank = sql.bind(position.value == nil ? 1 : 0)
            let value = sql.bind(position.value)
            conditions.append("""
                ((sv IS NULL)::int \(comparison) \(nullRank) OR ((sv IS NULL)::int = \(nullRank) \
                AND (coalesce(sv, '') \(comparison) coalesce(\(value)::text, '') \
                OR (coalesce(sv, '') = coalesce(\(value)::text, '') AND e.uid \(comparison) \(sql.bind(position.uid))))))
                """)
        }
        let direction = ascending ? "ASC" : "DESC"
        let limit = sql.bind(Int64(request.limit))
        let offset = sql.bind(Int64(request.position == nil ? request.offset : 0))
        let page = sql.query("""
            SELECT final, uid, sv FROM (
                SELECT e.id, e.uid, e.ref, e.final, \(sortExpression) AS sv FROM catalog_entities e) e
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY (sv IS NULL) \(direction), sv \(direction), e.uid \(direction)
            LIMIT \(limit) OFFSET \(offset)
            """)
        var countSQL = BoundSQL()
        let countConditions = Self.matchConditions(request, field: field, &countSQL)
        let count = countSQL.query(
            "SELECT count(*) FROM catalog_entities e WHERE \(countConditions.joined(separator: " AND "))")
        return try await run("query entities") {
            var rows: [KeysetRow] = []
            for row in try await database.rows(page) {
                let (json, uid, value) = try row.decode((Data, String, String?).self)
                rows.append(KeysetRow(json: [UInt8](json), position: KeysetPosition(value: value, uid: uid, backwards: false)))
            }
            if backwards { rows.reverse() }
            var total: Int?
            if countTotal {
                total = Int(try await database.rows(count).first?.decode(Int64.self) ?? 0)
            }
            return (rows, total)
        }
    }

    /// The filter and full-text conditions of a query, bound into `sql`.
    private static func matchConditions(_ request: QueryEntitiesRequest, field: String, _ sql: inout BoundSQL)
        -> [String]
    {
        var conditions = [sql.condition(request.filter)]
        if let term = request.fullTextTerm?.lowercased(), !term.isEmpty {
            let fields = request.fullTextFields.isEmpty ? [field] : request.fullTextFields.map { $0.lowercased() }
            conditions.append("""
                e.id IN (SELECT s.entity_id FROM catalog_search s WHERE s.key = ANY(\(sql.bind(fields))) \
                AND s.value LIKE \(sql.bind(LikePattern.containing(term))) ESCAPE '\\')
                """)
        }
        return conditions
    }

    public func entities(refs: [String], filter: EntityFilter) async throws -> [[UInt8]?] {
        guard !refs.isEmpty else { return [] }
        let lowered = refs.map { $0.lowercased() }
        var sql = BoundSQL()
        let text = """
            SELECT e.ref, e.final FROM catalog_entities e
            WHERE e.ref = ANY(\(sql.bind(lowered))) AND \(sql.condition(filter))
            """
        let query = sql.query(text)
        return try await run("read entities by ref") {
            var found: [String: [UInt8]] = [:]
            for row in try await database.rows(query) {
                let (ref, json) = try row.decode((String, Data).self)
                found[ref] = [UInt8](json)
            }
            return lowered.map { found[$0] }
        }
    }

    public func entity(uid: String) async throws -> [UInt8]? {
        try await run("read an entity") {
            try await database.rows("SELECT final FROM catalog_entities WHERE uid = \(uid)").first
                .map { [UInt8](try $0.decode(Data.self)) }
        }
    }

    public func entity(ref: String) async throws -> [UInt8]? {
        try await run("read an entity") {
            try await database.rows("SELECT final FROM catalog_entities WHERE ref = \(ref.lowercased())").first
                .map { [UInt8](try $0.decode(Data.self)) }
        }
    }

    public func facets(_ fields: [String], filter: EntityFilter) async throws -> [String: [FacetCount]] {
        var result: [String: [FacetCount]] = [:]
        for field in fields {
            let key = field.lowercased()
            var sql = BoundSQL()
            let query: PostgresQuery
            if key.hasPrefix("relations.") {
                let type = sql.bind(String(key.dropFirst("relations.".count)))
                let text = """
                    SELECT r.target_ref, count(DISTINCT e.id) FROM catalog_relations r
                    JOIN catalog_entities e ON e.ref = r.source_ref
                    WHERE lower(r.type) = lower(\(type)) AND \(sql.condition(filter))
                    GROUP BY r.target_ref ORDER BY r.target_ref
                    """
                query = sql.query(text)
            } else {
                let bound = sql.bind(key)
                let text = """
                    SELECT s.original_value, count(DISTINCT s.entity_id) FROM catalog_search s
                    JOIN catalog_entities e ON e.id = s.entity_id
                    WHERE s.key = \(bound) AND s.original_value IS NOT NULL AND \(sql.condition(filter))
                    GROUP BY s.original_value ORDER BY s.original_value
                    """
                query = sql.query(text)
            }
            result[field] = try await run("count facets") {
                try await database.rows(query).map { row in
                    let (value, count) = try row.decode((String, Int64).self)
                    return FacetCount(value: value, count: Int(count))
                }
            }
        }
        return result
    }

    public func providerStatuses() async throws -> [ProviderStatus] {
        try await run("read provider statuses") {
            var counts: [String: Int] = [:]
            for row in try await database.rows("SELECT provider, count(*) FROM catalog_entities GROUP BY provider") {
                let (provider, count) = try row.decode((String, Int64).self)
                counts[provider] = Int(count)
            }
            var info: [String: ProviderStatus.Bookkeeping] = [:]
            for row in try await database.rows(
                "SELECT name, last_full_sync_at, last_mutation_at, last_error FROM catalog_providers")
            {
                let (name, fullSync, mutation, error) = try row.decode((String, Date?, Date?, String?).self)
                info[name] = ProviderStatus.Bookkeeping(
                    lastFullSyncAt: fullSync.map(Timestamp.string), lastMutationAt: mutation.map(Timestamp.string),
                    lastError: error)
            }
            var rejected: [String: [EntityRejection]] = [:]
            let decoder = JSONDecoder()
            for row in try await database.rows(
                "SELECT provider, ref, errors FROM catalog_provider_rejections ORDER BY provider, ref")
            {
                let (provider, ref, errorsText) = try row.decode((String, String, String).self)
                let errors = (try? decoder.decode([String].self, from: Data(errorsText.utf8))) ?? []
                rejected[provider, default: []].append(EntityRejection(entityRef: ref.isEmpty ? nil : ref, errors: errors))
            }
            var conflicts: [String: [LocationKeyConflict]] = [:]
            for row in try await database.rows("""
                SELECT provider, ref, owner, existing_key, new_key FROM catalog_provider_conflicts ORDER BY provider, ref
                """)
            {
                let (provider, ref, owner, existingKey, newKey) = try row.decode(
                    (String, String, String, String?, String?).self)
                conflicts[provider, default: []].append(LocationKeyConflict(
                    entityRef: ref, owner: owner, existingLocationKey: existingKey, newLocationKey: newKey))
            }
            return ProviderStatus.assemble(entityCounts: counts, bookkeeping: info, rejected: rejected,
                                           conflicts: conflicts)
        }
    }

    public func changes(after sequence: Int64, limit: Int) async throws -> [CatalogChange] {
        try await run("read catalog changes") {
            try await database.rows("""
                SELECT seq, type, ref, uid, etag, provider FROM catalog_changes WHERE seq > \(sequence)
                ORDER BY seq LIMIT \(Int64(limit))
                """).compactMap { row in
                let (seq, type, ref, uid, etag, provider) = try row.decode(
                    (Int64, String, String, String, String?, String?).self)
                guard let kind = CatalogChange.Kind(rawValue: type) else { return nil }
                return CatalogChange(sequence: seq, type: kind, entityRef: ref, uid: uid, etag: etag, provider: provider)
            }
        }
    }

    public func changeRange() async throws -> ClosedRange<Int64>? {
        try await run("read the change range") {
            guard let row = try await database.rows("SELECT min(seq), max(seq) FROM catalog_changes").first else {
                return nil
            }
            let (low, high) = try row.decode((Int64?, Int64?).self)
            guard let low, let high else { return nil }
            return low...high
        }
    }
}
