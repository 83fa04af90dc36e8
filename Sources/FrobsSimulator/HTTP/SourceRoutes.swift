import Hummingbird

/// The control API over sources, for tests and the demo:
/// - `GET /sources`: every source with its state;
/// - `GET /sources/{id}`: one source, its frobs and previous state;
/// - `PUT /sources/{id}` with `{"frobs":[…]}`: create (201, webhook `add`) or replace (200, `modify`);
/// - `DELETE /sources/{id}`: delete (200, webhook `delete`); 404 if unknown or already deleted.
///
/// `?notify=false` changes the data without sending the webhook. A change's answer waits for its
/// webhook and reports it (`webhook.accepted`, `status`, `attempts`).
struct SourceRoutes {
    let upstream: FrobsUpstream
    let maxRequestBytes: Int

    struct SourceView: Encodable {
        var id: String
        var state: String
        var version: Int
        var frobs: [Frob]
        var previous: [Frob]?

        init(_ snapshot: SourceSnapshot, previous: [Frob]?) {
            id = snapshot.id
            state = snapshot.isDeleted ? "deleted" : "live"
            version = snapshot.version
            frobs = snapshot.frobs
            self.previous = previous
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("sources") { _, _ in
            struct Listing: Encodable { var sources: [SourceView] }
            return JSONCoding.response(Listing(sources: upstream.snapshots().map { SourceView($0, previous: nil) }))
        }
        router.get("sources/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let (snapshot, previous) = upstream.snapshot(id) else { throw HTTPProblem.notFound("No Frobs source '\(id)'") }
            return JSONCoding.response(SourceView(snapshot, previous: previous))
        }
        router.put("sources/:id") { request, context in
            let id = try Self.validID(context)
            let notify = try Self.notify(request)
            let document = try JSONCoding.decode(FrobsDocument.self, from: try await JSONCoding.body(of: request, limit: maxRequestBytes))
            let change = await upstream.put(id, frobs: document.frobs, notify: notify)
            return JSONCoding.response(change, status: change.event == .add ? .created : .ok)
        }
        router.delete("sources/:id") { request, context in
            let id = try Self.validID(context)
            let notify = try Self.notify(request)
            switch await upstream.delete(id, notify: notify) {
            case .deleted(let change): return JSONCoding.response(change)
            case .unknown: throw HTTPProblem.notFound("No Frobs source '\(id)'")
            case .alreadyDeleted: throw HTTPProblem.notFound("Frobs source '\(id)' is already deleted")
            }
        }
    }

    static func validID(_ context: BasicRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard FrobSource.isValidID(id) else {
            throw HTTPProblem.input("Source id '\(id)' is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return id
    }

    /// `?notify=false|0` turns the webhook off; absent, `true` or `1` keeps it.
    static func notify(_ request: Request) throws -> Bool {
        switch request.uri.queryParameters.get("notify") {
        case nil, "true", "1": return true
        case "false", "0": return false
        case let other?: throw HTTPProblem.input("notify must be true or false, not '\(other)'")
        }
    }
}
