import Catalog
import CatalogModel
import Hummingbird
import Locations

/// Backstage's location routes under `/api/catalog` (SPEC §9): register (with `dryRun`), list,
/// get, delete, and find the location of an entity.
struct LocationsRoutes<Context: RequestContext> {
    let locations: LocationService
    let store: any CatalogStore

    func register(on router: Router<Context>) {
        let group = router.group("api/catalog")
        group.post("locations", use: create)
        group.get("locations", use: list)
        group.get("locations/by-entity/:kind/:namespace/:name", use: byEntity)
        group.get("locations/:id", use: get)
        group.delete("locations/:id", use: delete)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSONBody()
        guard case .string(let type)? = body["type"], case .string(let target)? = body["target"] else {
            throw APIError.input("Request body must be an object with 'type' and 'target' strings")
        }
        let dryRunText = request.uri.queryParameters.get("dryRun")
        let dryRun = dryRunText == "true" || dryRunText == ""
        let registration: LocationService.Registration
        do {
            registration = try await locations.register(type: type, target: target, dryRun: dryRun)
        } catch let refusal as LocationService.Refusal {
            throw Self.apiError(refusal)
        } catch let error as LocationReadError {
            throw Self.apiError(error)
        }
        var object: [String: JSONValue] = [
            "location": registration.location.json,
            "entities": .array(registration.entities.map(\.json)),
        ]
        if dryRun { object["exists"] = .bool(registration.exists) }
        return JSONResponse.make(.object(object), status: .created)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await locations.reload()
        let items: [JSONValue] = locations.locations().map { location in
            ["data": location.json, "status": status(of: location)]
        }
        return JSONResponse.make(.array(items))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        try await locations.reload()
        guard let location = locations.location(id: id) else {
            throw APIError.notFound("Found no location with ID \(id)")
        }
        guard case .object(var object) = location.json else { return JSONResponse.make(location.json) }
        object["status"] = status(of: location)
        return JSONResponse.make(.object(object))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        try await locations.reload()
        do {
            try await locations.remove(id: id)
        } catch let refusal as LocationService.Refusal {
            throw Self.apiError(refusal)
        }
        return Response(status: .noContent)
    }

    @Sendable func byEntity(_ request: Request, context: Context) async throws -> Response {
        let ref = EntityRef(kind: try context.parameters.require("kind"), namespace: try context.parameters.require("namespace"),
                            name: try context.parameters.require("name"))
        guard let bytes = try await store.entity(ref: ref.description) else {
            throw APIError.notFound("No entity named '\(ref)' found")
        }
        try await locations.reload()
        guard let origin = LocationService.originKey(ofEntityJSON: bytes), let location = locations.location(key: origin) else {
            throw APIError.notFound("Found no location for entity '\(ref)'")
        }
        return JSONResponse.make(location.json)
    }

    private func status(of location: CatalogLocation) -> JSONValue {
        var status = locations.status(id: location.id)?.json ?? LocationStatus().json
        if case .object(var object) = status {
            object["origin"] = .string(location.origin.rawValue)
            status = .object(object)
        }
        return status
    }

    static func apiError(_ refusal: LocationService.Refusal) -> APIError {
        switch refusal.code {
        case .invalid: return APIError.input(refusal.message)
        case .exists: return APIError(.conflict, refusal.message)
        case .notFound: return APIError.notFound(refusal.message)
        case .notAllowed: return APIError(.notAllowed, refusal.message)
        }
    }

    static func apiError(_ error: LocationReadError) -> APIError {
        switch error.code {
        case .notFound: return APIError.notFound(error.message)
        case .notAllowed: return APIError(.notAllowed, error.message)
        case .invalid: return APIError.input(error.message)
        case .failed: return APIError(.serviceUnavailable, error.message)
        }
    }
}
