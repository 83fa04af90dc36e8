import CatalogModel
import Events
import Hummingbird

/// The operator's routes of the events system (SPEC §2): topics, subscriptions with pause and
/// resume, recent events, the live stream, dead letters with replay and delete.
struct EventsAdminRoutes<Context: RequestContext> {
    let events: DurableEventsService
    /// Configured ingress topics.
    let ingressTopics: [String]
    /// Finished at shutdown, which ends every live stream at once.
    let shutdown: Broadcaster<Void>

    var log: any EventLog { events.log }

    func register(on router: Router<Context>) {
        let group = router.group("api/events")
        group.get("topics", use: topics)
        group.get("subscriptions", use: subscriptions)
        group.post("subscriptions/:id/pause") { request, context in try await setPaused(request, context, true) }
        group.post("subscriptions/:id/resume") { request, context in try await setPaused(request, context, false) }
        group.get("events", use: recentEvents)
        group.get("events/:id", use: event)
        group.get("stream", use: stream)
        group.get("dead-letters", use: deadLetters)
        group.post("dead-letters/replay", use: replayAll)
        group.post("dead-letters/:id/replay", use: replayOne)
        group.delete("dead-letters/:id", use: deleteDeadLetter)
    }

    @Sendable func topics(_ request: Request, context: Context) async throws -> Response {
        let statistics = try await log.topicStatistics()
        let subscribers = try await log.subscribers()
        var byName: [String: TopicStatistics] = [:]
        for entry in statistics { byName[entry.topic] = entry }
        let names = Set(ingressTopics).union(byName.keys).union(subscribers.flatMap(\.topics))
        let items: [JSONValue] = names.sorted().map { name in
            let entry = byName[name]
            return [
                "topic": .string(name),
                "ingress": .bool(ingressTopics.contains(name)),
                "storedEvents": .int(Int64(entry?.storedEvents ?? 0)),
                "lastPosition": entry?.lastPosition.map { .int($0) } ?? .null,
                "lastReceivedAt": entry?.lastReceivedAt.map(JSONValue.string) ?? .null,
                "receivedLastMinute": .int(Int64(entry?.lastMinute ?? 0)),
                "ratePerSecond": .double(Double(entry?.lastMinute ?? 0) / 60),
                "subscribers": .array(subscribers.filter { $0.topics.contains(name) }.map { .string($0.id) }),
            ]
        }
        return JSONResponse.make(.array(items))
    }

    @Sendable func subscriptions(_ request: Request, context: Context) async throws -> Response {
        let subscribers = try await log.subscribers()
        let tail = try await log.tail()
        let deadLetters = try await log.deadLetterCounts()
        var items: [JSONValue] = []
        for subscriber in subscribers {
            let pending = try await log.lag(subscriber: subscriber.id)
            items.append([
                "id": .string(subscriber.id),
                "topics": .array(subscriber.topics.map(JSONValue.string)),
                "cursor": .int(subscriber.cursor),
                "lag": .int(Int64(pending)),
                "tail": .int(tail),
                "paused": .bool(subscriber.paused),
                "lastError": subscriber.lastError.map(JSONValue.string) ?? .null,
                "lastSeenAt": .string(subscriber.lastSeenAt),
                "deadLetters": .int(Int64(deadLetters[subscriber.id] ?? 0)),
            ])
        }
        return JSONResponse.make(.array(items))
    }

    func setPaused(_ request: Request, _ context: Context, _ paused: Bool) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await log.setPaused(subscriber: id, paused: paused) else {
            throw APIError.notFound("No subscriber with id '\(id)'")
        }
        events.wake()
        return JSONResponse.make(["id": .string(id), "paused": .bool(paused)])
    }

    static func json(_ event: StoredEvent, withPayload: Bool) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(event.id),
            "position": .int(event.position),
            "topic": .string(event.topic),
            "receivedAt": .string(event.receivedAt),
            "metadata": .object(event.metadata.mapValues(JSONValue.string)),
            "idempotencyKey": event.idempotencyKey.map(JSONValue.string) ?? .null,
            "size": .int(Int64(event.payload.count)),
        ]
        if withPayload {
            object["payload"] = (try? JSONParser.parse(event.payload)) ?? .string(String(decoding: event.payload, as: UTF8.self))
        }
        return .object(object)
    }

    @Sendable func recentEvents(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let limit = min(try query.nonNegativeInt("limit", maximum: .max) ?? 50, 1000)
        let after = try query.nonNegativeInt("after", maximum: .max).map(Int64.init)  // a log position
        let items = try await log.recentEvents(topic: query.first("topic"), before: after, limit: limit)
        return JSONResponse.make(.array(items.map { Self.json($0, withPayload: false) }))
    }

    @Sendable func event(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let event = try await log.event(id: id) else { throw APIError.notFound("No stored event with id '\(id)'") }
        return JSONResponse.make(Self.json(event, withPayload: true))
    }

    @Sendable func stream(_ request: Request, context: Context) async throws -> Response {
        let activity = events.activity.subscribe()
        let stopped = shutdown.subscribe()
        let (messages, continuation) = AsyncStream<SSEMessage>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let forward = Task {
            for await item in activity { continuation.yield(Self.message(item)) }
            continuation.finish()
        }
        let closer = Task {
            for await _ in stopped {}
            forward.cancel()
            continuation.finish()
        }
        continuation.onTermination = { _ in
            forward.cancel()
            closer.cancel()
        }
        return ServerSentEvents.response(messages)
    }

    static func message(_ activity: EventActivity) -> SSEMessage {
        let value: JSONValue
        let name: String
        switch activity {
        case .appended(let eventID, let topic, let position):
            name = "appended"
            value = ["eventId": .string(eventID), "topic": .string(topic), "position": .int(position)]
        case .delivered(let subscriber, let eventID, let topic, let attempt):
            name = "delivered"
            value = ["subscriber": .string(subscriber), "eventId": .string(eventID), "topic": .string(topic),
                     "attempt": .int(Int64(attempt))]
        case .failed(let subscriber, let eventID, let topic, let attempt, let error):
            name = "failed"
            value = ["subscriber": .string(subscriber), "eventId": .string(eventID), "topic": .string(topic),
                     "attempt": .int(Int64(attempt)), "error": .string(error)]
        case .deadLettered(let subscriber, let eventID, let topic, let attempts, let error):
            name = "dead-lettered"
            value = ["subscriber": .string(subscriber), "eventId": .string(eventID), "topic": .string(topic),
                     "attempts": .int(Int64(attempts)), "error": .string(error)]
        case .routed(let subscriber, let eventID, let from, let to):
            name = "routed"
            value = ["subscriber": .string(subscriber), "eventId": .string(eventID), "from": .string(from),
                     "to": to.map(JSONValue.string) ?? .null]
        }
        return SSEMessage(event: name, id: nil, data: value.canonicalString())
    }

    @Sendable func deadLetters(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let limit = min(try query.nonNegativeInt("limit", maximum: .max) ?? 100, 1000)
        let letters = try await log.deadLetters(subscriber: query.first("subscriber"), limit: limit)
        return JSONResponse.make(.array(letters.map { letter in
            [
                "id": .int(letter.id),
                "subscriber": .string(letter.subscriberID),
                "attempts": .int(Int64(letter.attempts)),
                "lastError": .string(letter.lastError),
                "failedAt": .string(letter.failedAt),
                "replayRequested": .bool(letter.replayRequested),
                "event": Self.json(letter.event, withPayload: false),
            ]
        }))
    }

    func deadLetterID(_ context: Context) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw APIError.notFound("No dead letter with id '\(text)'") }
        return id
    }

    @Sendable func replayOne(_ request: Request, context: Context) async throws -> Response {
        let id = try deadLetterID(context)
        guard try await log.requestReplay(deadLetter: id, subscriber: nil) > 0 else {
            throw APIError.notFound("No dead letter with id '\(id)'")
        }
        events.wake()
        return JSONResponse.make(["replaying": 1], status: .accepted)
    }

    @Sendable func replayAll(_ request: Request, context: Context) async throws -> Response {
        let subscriber = QueryParameters(request).first("subscriber")
        let count = try await log.requestReplay(deadLetter: nil, subscriber: subscriber)
        events.wake()
        return JSONResponse.make(["replaying": .int(Int64(count))], status: .accepted)
    }

    @Sendable func deleteDeadLetter(_ request: Request, context: Context) async throws -> Response {
        let id = try deadLetterID(context)
        guard try await log.deleteDeadLetter(id: id) else { throw APIError.notFound("No dead letter with id '\(id)'") }
        return Response(status: .noContent)
    }
}
