import Catalog
import CatalogModel
import Events
import Logging
import ServiceLifecycle

/// Publishes each committed catalog change as an event on `catalog.entity.changed` (SPEC §4.5).
///
/// Each published event carries its change's sequence number in its metadata, so after a restart
/// the relay resumes after the last one it published. A fresh install starts at the outbox's end
/// as it was before any provider connected (history is not replayed, and nothing a provider
/// commits while the server starts is skipped).
struct CatalogChangeRelay: Service {
    static let topic = "catalog.entity.changed"
    static let sequenceKey = "catalog-sequence"

    let engine: CatalogEngine
    let events: DurableEventsService
    let logger: Logger
    /// The sequence after which publishing starts, from ``startPosition(engine:events:)``.
    let start: Int64

    /// Where the relay starts: after the last change it published, or on a fresh install at the
    /// outbox's current end. Call it before providers connect, so that their first mutations
    /// lie after it.
    static func startPosition(engine: CatalogEngine, events: DurableEventsService) async throws -> Int64 {
        if let last = try await events.log.recentEvents(topic: topic, before: nil, limit: 1).first,
            let sequence = last.metadata[sequenceKey].flatMap(Int64.init)
        {
            return sequence
        }
        return try await engine.store.changeRange()?.upperBound ?? 0
    }

    func run() async throws {
        let notifications = engine.changeNotifications()
        var position = await publish(after: start)
        for await _ in notifications.cancelOnGracefulShutdown() {
            position = await publish(after: position)
        }
    }

    /// Publishes every change after `position`; returns the new position. Failures are logged
    /// and retried at the next change.
    private func publish(after position: Int64) async -> Int64 {
        var position = position
        do {
            while true {
                let batch = try await engine.store.changes(after: position, limit: 500)
                guard let last = batch.last else { break }
                _ = try await events.append(batch.map(Self.event))
                position = last.sequence
            }
        } catch {
            logger.error("Publishing catalog changes failed; will retry at the next change", metadata: [
                "error": "\(error)",
            ])
        }
        return position
    }

    static func event(_ change: CatalogChange) -> NewEvent {
        let payload: JSONValue = [
            "type": .string(change.type.rawValue), "entityRef": .string(change.entityRef), "uid": .string(change.uid),
            "etag": change.etag.map(JSONValue.string) ?? .null, "provider": change.provider.map(JSONValue.string) ?? .null,
            "sequence": .int(change.sequence),
        ]
        // The key makes the change one event even when several instances sharing a catalog
        // relay it.
        return NewEvent(topic: topic, payload: payload.canonicalBytes(), metadata: [sequenceKey: String(change.sequence)],
                        idempotencyKey: "catalog-change-\(change.sequence)")
    }
}
