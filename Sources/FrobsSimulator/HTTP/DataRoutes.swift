import Hummingbird

/// What Callboard reads (SPEC §7), each with an ETag and `If-None-Match` → 304, and subject to
/// the injected fault:
/// - `GET /envs/{env}/data`: every frob of every live source (the full sync; the same for any env);
/// - `GET /sources/{id}/data`: a source's frobs, still served after it is deleted; 404 if it never existed;
/// - `GET /sources/{id}/data/previous-state`: what it held before its last change; 404 if nothing.
struct DataRoutes {
    let upstream: FrobsUpstream

    func register(on router: Router<BasicRequestContext>) {
        router.get("envs/:env/data") { request, _ in
            try serve(request) { upstream.liveFrobs() }
        }
        router.get("sources/:id/data") { request, context in
            let id = try context.parameters.require("id")
            return try serve(request) {
                guard let frobs = upstream.data(id) else { throw HTTPProblem.notFound("No Frobs source '\(id)'") }
                return frobs
            }
        }
        router.get("sources/:id/data/previous-state") { request, context in
            let id = try context.parameters.require("id")
            return try serve(request) {
                guard let frobs = upstream.previousState(id) else {
                    throw HTTPProblem.notFound("Frobs source '\(id)' has no previous state")
                }
                return frobs
            }
        }
    }

    private func serve(_ request: Request, frobs: () throws -> [Frob]) throws -> Response {
        if let status = upstream.faults.take(path: request.uri.path) {
            let status = HTTPResponse.Status(code: status)
            throw HTTPProblem(status: status, name: HTTPProblem.name(for: status),
                              message: "Fault injected by the Frobs simulator")
        }
        let bytes = JSONCoding.encode(FrobsDocument(frobs: try frobs()))
        let etag = ETag.of(bytes)
        if ETag.matches(request.headers[.ifNoneMatch], etag) {
            return Response(status: .notModified, headers: [.eTag: etag])
        }
        return JSONCoding.bytesResponse(bytes, headers: [.eTag: etag, .cacheControl: "no-cache"])
    }
}
