import Catalog
import Events
import Hummingbird

/// `GET /api/catalog/changes` (SPEC §4.5): Server-Sent Events of committed catalog changes from
/// the outbox. `Last-Event-ID` (or `?after=`) resumes after a sequence number; one older than the
/// outbox keeps answers with a `reset` event (re-read the catalog) and continues from there.
struct CatalogChangesRoute<Context: RequestContext> {
    let engine: CatalogEngine
    /// Finished at shutdown, which ends every stream at once.
    let shutdown: Broadcaster<Void>

    func register(on router: Router<Context>) {
        router.get("api/catalog/changes", use: changes)
    }

    static func message(_ change: CatalogChange) -> SSEMessage {
        let data: JSONValue = [
            "type": .string(change.type.rawValue), "entityRef": .string(change.entityRef), "uid": .string(change.uid),
            "etag": change.etag.map(JSONValue.string) ?? .null, "provider": change.provider.map(JSONValue.string) ?? .null,
            "sequence": .int(change.sequence),
        ]
        return SSEMessage(event: change.type.rawValue, id: String(change.sequence), data: data.canonicalString())
    }

    @Sendable func changes(_ request: Request, context: Context) async throws -> Response {
        let resume = request.headers[.init("last-event-id")!] ?? QueryParameters(request).first("after")
        var cursor: Int64?
        if let resume {
            guard let value = Int64(resume), value >= 0 else {
                throw APIError.input("Invalid Last-Event-ID '\(resume)'; expected a change sequence number")
            }
            cursor = value
        }
        let store = engine.store
        let notifications = engine.changeNotifications()
        let stopped = shutdown.subscribe()
        let (messages, continuation) = AsyncStream<SSEMessage>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let relay = Task {
            defer { continuation.finish() }
            var position: Int64
            if let cursor {
                position = cursor
                let range = try? await store.changeRange()
                if let range, cursor < range.lowerBound - 1 {
                    continuation.yield(SSEMessage(event: "reset", id: String(range.lowerBound - 1),
                                                  data: #"{"reason":"changes before this point are no longer kept"}"#))
                    position = range.lowerBound - 1
                }
            } else {
                position = (try? await store.changeRange())??.upperBound ?? 0
            }
            var wake = notifications.makeAsyncIterator()
            while !Task.isCancelled {
                guard let batch = try? await store.changes(after: position, limit: 1000) else { break }
                for change in batch { continuation.yield(Self.message(change)) }
                if let last = batch.last { position = last.sequence }
                if batch.count == 1000 { continue }
                guard await wake.next() != nil else { break }
            }
        }
        let closer = Task {
            for await _ in stopped {}
            relay.cancel()
            continuation.finish()
        }
        continuation.onTermination = { _ in
            relay.cancel()
            closer.cancel()
        }
        return ServerSentEvents.response(messages)
    }
}
