import Catalog
import HTTPTypes
import Hummingbird
import Locations
import UrlReader

/// Backstage's catalog REST API, mounted at `/api/catalog`.
struct CatalogRoutes<Context: RequestContext> {
    let engine: CatalogEngine
    /// The locations, for `/ancestry` and for `POST /refresh` of a location's entity.
    var locations: LocationService?
    var store: any CatalogStore { engine.store }

    func register(on router: Router<Context>) {
        let group = router.group("api/catalog")
        group.get("entities", use: entities)
        group.get("entities/by-query", use: queryEntities)
        group.post("entities/by-refs", use: entitiesByRefs)
        group.get("entities/by-uid/:uid", use: entityByUID)
        group.delete("entities/by-uid/:uid", use: deleteEntityByUID)
        group.get("entities/by-name/:kind/:namespace/:name", use: entityByName)
        group.get("entities/by-name/:kind/:namespace/:name/ancestry", use: ancestry)
        group.get("entity-facets", use: facets)
        group.post("refresh", use: refresh)
        group.post("validate-entity", use: validateEntity)
        group.get("providers", use: providers)
    }

    // MARK: - Entities

    @Sendable func entities(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let filter = try query.filter()
        let fields = query.fields()
        let order = try query.order()
        let limit = try query.nonNegativeInt("limit")
        var offset = try query.nonNegativeInt("offset") ?? 0
        if let after = query.first("after") {
            offset = try PageCursor.decode(PageCursor.After.self, from: after, parameter: "after").offset
            guard (0...QueryParameters.maximumInt).contains(offset) else {
                throw APIError.input("Invalid after, it is not a cursor issued by this server")
            }
        }
        let page = try await store.entities(EntitiesRequest(filter: filter, order: order, offset: offset, limit: limit))
        var headers = HTTPFields()
        if page.hasMore, let limit {
            let next = PageCursor.encode(PageCursor.After(offset: offset + limit))
            headers[HTTPField.Name("link")!] = "<\(Self.url(request, replacing: ["after": next], removing: ["offset"]))>; rel=\"next\""
        }
        let items = fields.map { projection in page.entities.map(projection.apply) } ?? page.entities
        return JSONResponse.array(items, headers: headers)
    }

    /// The request's path and query with some parameters replaced or removed.
    static func url(_ request: Request, replacing: [String: String], removing: Set<String>) -> String {
        var pairs: [String] = []
        for (key, value) in request.uri.queryParameters
        where replacing[String(key)] == nil && !removing.contains(String(key)) {
            pairs.append("\(key)=\(URLTemplate.encodeSegment(String(value)))")
        }
        for (key, value) in replacing.sorted(by: { $0.key < $1.key }) {
            pairs.append("\(key)=\(URLTemplate.encodeSegment(value))")
        }
        return request.uri.path + (pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&"))
    }

    @Sendable func queryEntities(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let fields = query.fields()
        let limit = try query.nonNegativeInt("limit") ?? 20
        var queryRequest: QueryEntitiesRequest
        var totalItems: Int?
        if let cursorText = query.first("cursor") {
            let cursor = try PageCursor.decode(PageCursor.Query.self, from: cursorText, parameter: "cursor")
            queryRequest = cursor.request
            totalItems = cursor.totalItems
        } else {
            queryRequest = QueryEntitiesRequest(filter: try query.filter())
            if let orderField = query.all("orderField").first {
                let parts = orderField.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count <= 2, let field = parts.first, !field.isEmpty,
                    parts.count == 1 || parts[1] == "asc" || parts[1] == "desc"
                else {
                    throw APIError.input("Invalid orderField, '\(orderField)' is not of the form <field>[,asc|desc]")
                }
                queryRequest.orderField = EntityOrder(field: String(field), descending: parts.count == 2 && parts[1] == "desc")
            }
            if let term = query.first("fullTextFilterTerm")?.trimmingCharacters(in: " "), !term.isEmpty {
                queryRequest.fullTextTerm = term
                queryRequest.fullTextFields = query.all("fullTextFilterFields")
                    .flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
            }
            queryRequest.offset = try query.nonNegativeInt("offset") ?? 0
        }
        queryRequest.limit = limit + 1
        let result = try await store.queryEntities(queryRequest, countTotal: totalItems == nil)
        let total = totalItems ?? result.totalItems ?? 0
        var rows = result.rows
        let backwards = queryRequest.position?.backwards ?? false
        var hasMoreInDirection = false
        if rows.count > limit {
            hasMoreInDirection = true
            if backwards { rows.removeFirst(rows.count - limit) } else { rows.removeLast(rows.count - limit) }
        }
        let hasNext = backwards ? true : hasMoreInDirection
        let hasPrevious = backwards ? hasMoreInDirection : (queryRequest.position != nil || queryRequest.offset > 0)
        var pageInfo: [String: JSONValue] = [:]
        var base = queryRequest
        base.limit = limit
        if hasNext, let last = rows.last {
            base.position = KeysetPosition(value: last.position.value, uid: last.position.uid, backwards: false)
            pageInfo["nextCursor"] = .string(PageCursor.encode(PageCursor.Query(request: base, totalItems: total)))
        }
        if hasPrevious, let first = rows.first {
            base.position = KeysetPosition(value: first.position.value, uid: first.position.uid, backwards: true)
            pageInfo["prevCursor"] = .string(PageCursor.encode(PageCursor.Query(request: base, totalItems: total)))
        }
        var out: [UInt8] = Array(#"{"items":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: fields.map { $0.apply(row.json) } ?? row.json)
        }
        out.append(contentsOf: #"],"pageInfo":"#.utf8)
        JSONValue.object(pageInfo).write(into: &out)
        out.append(contentsOf: #","totalItems":\#(total)}"#.utf8)
        return JSONResponse.raw(out)
    }

    @Sendable func entitiesByRefs(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let body = try await request.decodeJSONBody()
        guard case .array(let refValues)? = body["entityRefs"] else {
            throw APIError.input("Request body must be an object with an 'entityRefs' array of strings")
        }
        var refs: [String?] = []
        refs.reserveCapacity(refValues.count)
        for value in refValues {
            guard case .string(let text) = value else {
                throw APIError.input("entityRefs must contain only strings")
            }
            refs.append((try? EntityRef(parsing: text))?.description)
        }
        var fields = query.fields()
        if case .array(let fieldValues)? = body["fields"] {
            let paths = fieldValues.compactMap(\.stringValue)
            if !paths.isEmpty { fields = FieldsProjection(paths: paths) }
        }
        let found = try await store.entities(refs: refs.map { $0 ?? "" }, filter: try query.filter())
        var out: [UInt8] = Array(#"{"items":["#.utf8)
        for (index, item) in found.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let item, refs[index] != nil {
                out.append(contentsOf: fields.map { $0.apply(item) } ?? item)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        }
        out.append(contentsOf: "]}".utf8)
        return JSONResponse.raw(out)
    }

    @Sendable func entityByUID(_ request: Request, context: Context) async throws -> Response {
        let uid = try context.parameters.require("uid")
        guard let entity = try await store.entity(uid: uid) else {
            throw APIError.notFound("No entity with uid \(uid)")
        }
        return JSONResponse.raw(entity)
    }

    @Sendable func deleteEntityByUID(_ request: Request, context: Context) async throws -> Response {
        let uid = try context.parameters.require("uid")
        guard try await engine.deleteEntity(uid: uid) else {
            throw APIError.notFound("No entity with uid \(uid)")
        }
        context.logger.info("Entity deleted over HTTP; its provider's next mutation may bring it back",
                            metadata: ["entity.uid": "\(uid)"])
        return Response(status: .noContent)
    }

    private func ref(_ context: Context) throws -> EntityRef {
        EntityRef(kind: try context.parameters.require("kind"), namespace: try context.parameters.require("namespace"),
                  name: try context.parameters.require("name"))
    }

    @Sendable func entityByName(_ request: Request, context: Context) async throws -> Response {
        let ref = try ref(context)
        guard let entity = try await store.entity(ref: ref.description) else {
            throw APIError.notFound("No entity named '\(ref)' found")
        }
        return JSONResponse.raw(entity)
    }

    @Sendable func ancestry(_ request: Request, context: Context) async throws -> Response {
        let ref = try ref(context)
        guard let entity = try await store.entity(ref: ref.description) else {
            throw APIError.notFound("No entity named '\(ref)' found")
        }
        // The entity, then each `Location` entity that emitted it, up to the registered one.
        var items: [(entity: [UInt8], parents: [String])] = []
        var queue: [(ref: String, entity: [UInt8])] = [(ref.description, entity)]
        var seen: Set<String> = [ref.description]
        while !queue.isEmpty {
            let (current, bytes) = queue.removeFirst()
            var parents: [String] = []
            for parent in locations?.parents(of: current) ?? [] {
                guard let parentEntity = try await store.entity(ref: parent) else { continue }
                parents.append(parent)
                if seen.insert(parent).inserted { queue.append((parent, parentEntity)) }
            }
            items.append((bytes, parents))
        }
        var out: [UInt8] = Array(#"{"items":["#.utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"entity":"#.utf8)
            out.append(contentsOf: item.entity)
            out.append(contentsOf: #","parentEntityRefs":"#.utf8)
            JSONValue.array(item.parents.map(JSONValue.string)).write(into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"rootEntityRef":"#.utf8)
        JSONValue.writeString(ref.description, into: &out)
        out.append(UInt8(ascii: "}"))
        return JSONResponse.raw(out)
    }

    @Sendable func facets(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let facets = query.all("facet").filter { !$0.isEmpty }
        guard !facets.isEmpty else { throw APIError.input("Missing facet parameter; give at least one facet=<field>") }
        let counts = try await store.facets(facets, filter: try query.filter())
        var object: [String: JSONValue] = [:]
        for facet in facets {
            object[facet] = .array((counts[facet] ?? []).map { ["value": .string($0.value), "count": .int(Int64($0.count))] })
        }
        return JSONResponse.make(["facets": .object(object)])
    }

    @Sendable func refresh(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSONBody()
        guard case .string(let refText)? = body["entityRef"] else {
            throw APIError.input("Request body must be an object with an 'entityRef' string")
        }
        let ref: EntityRef
        do {
            ref = try EntityRef(parsing: refText)
        } catch {
            throw APIError.input(error.description)
        }
        guard try await engine.refresh(entityRef: ref.description) else {
            throw APIError.notFound("No entity named '\(ref)' found")
        }
        context.logger.info("Entity refreshed over HTTP", metadata: ["entity.ref": "\(ref)"])
        // An entity read from a location: read that location again now.
        if let locations, let bytes = try await store.entity(ref: ref.description),
           let origin = LocationService.originKey(ofEntityJSON: bytes) {
            _ = await locations.refresh(originKey: origin)
        }
        return Response(status: .ok)
    }

    @Sendable func validateEntity(_ request: Request, context: Context) async throws -> Response {
        let body: JSONValue
        do {
            body = try await request.decodeJSONBody()
        } catch let error as APIError where error.name == .input {
            return Self.validationErrors([error.message])
        }
        guard case .string(let location)? = body["location"], location.contains(":") else {
            return Self.validationErrors(["Request body must have a 'location' string of the form <type>:<target>"])
        }
        guard let entityValue = body["entity"] else {
            return Self.validationErrors(["Request body must have an 'entity' object"])
        }
        let entity: Entity
        do {
            entity = try Entity(json: entityValue)
        } catch {
            return Self.validationErrors([error.message])
        }
        var deferred = DeferredEntity(entity: entity)
        var annotations = deferred.entity.metadata.annotations ?? [:]
        annotations[EntityPreparer.managedByLocation] = annotations[EntityPreparer.managedByLocation] ?? location
        annotations[EntityPreparer.managedByOriginLocation] = annotations[EntityPreparer.managedByOriginLocation] ?? location
        deferred.entity.metadata.annotations = annotations
        switch engine.preparer.prepare(deferred, providerName: "validate-entity") {
        case .success: return Response(status: .ok)
        case .failure(let rejection): return Self.validationErrors(rejection.errors)
        }
    }

    static func validationErrors(_ messages: [String]) -> Response {
        JSONResponse.make(
            ["errors": .array(messages.map { ["name": "InputError", "message": .string($0)] })], status: .badRequest)
    }

    @Sendable func providers(_ request: Request, context: Context) async throws -> Response {
        let statuses = try await store.providerStatuses()
        let items: [JSONValue] = statuses.map { status in
            [
                "name": .string(status.name),
                "entityCount": .int(Int64(status.entityCount)),
                "lastFullSyncAt": status.lastFullSyncAt.map(JSONValue.string) ?? .null,
                "lastMutationAt": status.lastMutationAt.map(JSONValue.string) ?? .null,
                "lastError": status.lastError.map(JSONValue.string) ?? .null,
                "rejected": .array(status.rejected.map { rejection in
                    ["entityRef": rejection.entityRef.map(JSONValue.string) ?? .null,
                     "errors": .array(rejection.errors.map(JSONValue.string))]
                }),
                "conflicts": .array(status.conflicts.map { conflict in
                    ["entityRef": .string(conflict.entityRef), "owner": .string(conflict.owner),
                     "existingLocationKey": conflict.existingLocationKey.map(JSONValue.string) ?? .null,
                     "newLocationKey": conflict.newLocationKey.map(JSONValue.string) ?? .null]
                }),
            ]
        }
        return JSONResponse.make(.array(items))
    }
}
