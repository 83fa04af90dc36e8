import Events
import Hummingbird
import Logging
import NIOCore
import Webhooks

/// `POST /api/events/http/{topic}`: SPEC §3.2, in order — topic, rate limit, size (while the
/// body streams), media type, validator, idempotency key, secret headers dropped, durable append,
/// then 202.
struct IngressRoutes<Context: RequestContext> {
    let topics: [String: IngressTopic]
    let events: DurableEventsService
    let metrics: CallboardMetrics
    /// How long an append may take before the webhook is answered 503 (not acknowledged).
    static var appendDeadline: Duration { .seconds(5) }
    /// Logs a failing event log once per outage.
    let outage = EventLogOutage()

    func register(on router: Router<Context>) {
        router.post("api/events/http/:topic", use: receive)
    }

    @Sendable func receive(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("topic")
        guard let topic = topics[name] else {
            throw APIError.notFound("No event ingress for topic '\(name)'; configure it under events.http.topics")
        }
        // Counted only for configured topics, so a sender cannot grow the label set.
        if let wait = topic.rateLimiter?.take() {
            metrics.received(topic: name, outcome: "rate_limited")
            throw APIError(.tooManyRequests, "Topic '\(name)' is over its rate limit; retry after \(wait) s",
                           headers: [.retryAfter: "\(wait)"])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > topic.maxBodyBytes {
            metrics.received(topic: name, outcome: "too_large")
            throw APIError(.payloadTooLarge, "Body is larger than the topic's limit of \(topic.maxBodyBytes) bytes")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: topic.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            metrics.received(topic: name, outcome: "too_large")
            throw APIError(.payloadTooLarge, "Body is larger than the topic's limit of \(topic.maxBodyBytes) bytes")
        } catch {
            // The client closed mid-body or sent broken chunks: nothing was received to store.
            metrics.received(topic: name, outcome: "bad_request")
            throw APIError.input("The request body ended before it was complete")
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let key = field.name.canonicalName
            headers[key] = headers[key].map { "\($0), \(field.value)" } ?? field.value
        }
        let incoming = IngressRequest(headers: headers, body: Array(body.readableBytesView))
        let event: NewEvent
        switch IngressPipeline.event(for: incoming, topic: topic) {
        case .success(let built): event = built
        case .failure(.unsupportedMediaType(let message)):
            metrics.received(topic: name, outcome: "unsupported_media_type")
            throw APIError(.unsupportedMediaType, message)
        case .failure(.badRequest(let message)):
            metrics.received(topic: name, outcome: "bad_request")
            throw APIError.input(message)
        case .failure(.rejected(let reason)):
            metrics.received(topic: name, outcome: "rejected")
            context.logger.warning("Webhook rejected by the topic's validator", metadata: [
                "event.topic": "\(name)", "reason": "\(reason)",
            ])
            throw APIError(.notAllowed, "Request rejected: \(reason)")
        }
        let outcome: AppendOutcome
        let started = ContinuousClock.now
        do {
            // A store that cannot answer (PostgreSQL down, a disk that stalls) gets a 503 in
            // bounded time, and nothing is acknowledged.
            let appended = try await withDeadline(Self.appendDeadline) { [events] in try await events.append([event]) }
            guard let first = appended.first else { throw CancellationError() }
            outcome = first
            metrics.appended(topic: name, after: ContinuousClock.now - started)
            outage.succeeded(logger: context.logger)
        } catch {
            metrics.received(topic: name, outcome: "unavailable")
            outage.failed(error, topic: name, logger: context.logger)
            throw APIError(.serviceUnavailable, "The event log cannot store events right now; retry later")
        }
        switch outcome {
        case .appended(let id, _):
            metrics.received(topic: name, outcome: "accepted")
            context.logger.debug("Webhook accepted", metadata: ["event.id": "\(id)", "event.topic": "\(name)"])
            return JSONResponse.make(["status": "accepted", "eventId": .string(id)], status: .accepted)
        case .duplicate(let id):
            metrics.received(topic: name, outcome: "duplicate")
            context.logger.debug("Webhook is a duplicate", metadata: ["event.id": "\(id)", "event.topic": "\(name)"])
            return JSONResponse.make(["status": "accepted", "eventId": .string(id), "duplicate": true], status: .accepted)
        }
    }
}
