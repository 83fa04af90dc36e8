import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// Sends webhooks to Callboard's ingress, one at a time and in the order they were queued, each
/// with a unique delivery id (kept across its retries), an optional HMAC signature, and retries
/// with exponential backoff for no answer, 5xx, 408, 425 and 429.
final class WebhookSender: Sendable {
    private let url: String
    private let signer: WebhookSigner?
    private let deliveryIdHeader: String
    private let retry: WebhookRetryPolicy
    private let timeout: Duration
    private let logger: Logger
    /// The last queued delivery; the next one waits for it, so webhooks leave in order.
    private let tail = Mutex<Task<WebhookDelivery, Never>?>(nil)
    /// Set when the simulator shuts down: attempts in progress finish, no new retry starts.
    private let stopped = Atomic<Bool>(false)

    init(url: String, signer: WebhookSigner?, deliveryIdHeader: String, retry: WebhookRetryPolicy,
         timeout: Duration, logger: Logger) {
        self.url = url
        self.signer = signer
        self.deliveryIdHeader = deliveryIdHeader
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
    }

    /// How a webhook departs from the normal ones (the demo's trouble steps).
    enum Variant: Sendable {
        /// A fresh delivery id, signed.
        case normal
        /// The same delivery id as an earlier delivery: Callboard takes it for a duplicate.
        case duplicate(deliveryId: String)
        /// A signature over other bytes: Callboard answers 401.
        case forged
    }

    /// Whether webhooks carry a signature.
    var isSigning: Bool { signer != nil }

    /// The last webhook Callboard accepted: its body and delivery id.
    private let lastAccepted = Mutex<(body: [UInt8], deliveryId: String)?>(nil)

    /// Queues `body` behind the webhooks already queued; synchronous, so a caller holding a lock
    /// can queue in the same critical section as the change it announces.
    func enqueue(_ body: [UInt8], label: String, variant: Variant = .normal) -> Task<WebhookDelivery, Never> {
        tail.withLock { tail in
            let previous = tail
            let next = Task {
                _ = await previous?.value
                return await self.deliver(body, label: label, variant: variant)
            }
            tail = next
            return next
        }
    }

    /// Sends the last accepted webhook again, as a duplicate (same delivery id) or with a forged
    /// signature; nil when nothing was accepted yet.
    func resendLast(forged: Bool) -> Task<WebhookDelivery, Never>? {
        guard let last = lastAccepted.withLock({ $0 }) else { return nil }
        return enqueue(last.body, label: forged ? "(forged)" : "(duplicate)",
                       variant: forged ? .forged : .duplicate(deliveryId: last.deliveryId))
    }

    /// Stops retrying (shutdown); attempts already under way still complete.
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// Sends one webhook with its own client, so that nothing outlives the delivery: the client
    /// does not retry connections by itself (the retry policy here does), so a refused connection
    /// fails at once instead of at the timeout.
    private func deliver(_ body: [UInt8], label: String, variant: Variant) async -> WebhookDelivery {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = Self.timeAmount(timeout)
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let delivery = await deliver(body, label: label, variant: variant, client: client)
        try? await client.shutdown()
        if delivery.accepted, case .normal = variant {
            lastAccepted.withLock { $0 = (body, delivery.deliveryId) }
        }
        return delivery
    }

    private func deliver(_ body: [UInt8], label: String, variant: Variant, client: HTTPClient) async -> WebhookDelivery {
        var deliveryId = UUID().uuidString.lowercased()
        if case .duplicate(let original) = variant { deliveryId = original }
        let forged: Bool
        if case .forged = variant { forged = true } else { forged = false }
        var attempts = 0
        var status: Int?
        var retryAfter: Duration?
        var failure: String?
        var backoff = retry.initialBackoff
        while true {
            attempts += 1
            do {
                (status, retryAfter) = try await post(body, deliveryId: deliveryId, forged: forged, client: client)
                failure = nil
            } catch {
                (status, retryAfter) = (nil, nil)
                failure = Self.describe(error)
            }
            if let status, (200..<300).contains(status) {
                logger.info("webhook \(label) accepted: \(status) after \(attempts) attempt(s)",
                            metadata: ["webhook.delivery_id": "\(deliveryId)"])
                return WebhookDelivery(deliveryId: deliveryId, accepted: true, status: status, attempts: attempts, error: nil)
            }
            let outcome = status.map { "HTTP \($0)" } ?? failure ?? "no answer"
            let retryable = status.map(Self.isRetryable) ?? true
            guard retryable, attempts < retry.maxAttempts, !stopped.load(ordering: .relaxed) else {
                logger.warning("webhook \(label) not accepted: \(outcome) after \(attempts) attempt(s)",
                               metadata: ["webhook.delivery_id": "\(deliveryId)"])
                return WebhookDelivery(deliveryId: deliveryId, accepted: false, status: status, attempts: attempts, error: failure)
            }
            // A `Retry-After` (Callboard's 429) lengthens the wait, within the policy's maximum.
            let wait = min(max(backoff, retryAfter ?? .zero), retry.maxBackoff)
            logger.info("webhook \(label) failed (\(outcome)); retrying in \(wait)",
                        metadata: ["webhook.delivery_id": "\(deliveryId)"])
            try? await Task.sleep(for: wait)
            backoff = min(backoff * 2, retry.maxBackoff)
        }
    }

    /// The status, and the `Retry-After` in seconds if the answer had one.
    private func post(_ body: [UInt8], deliveryId: String, forged: Bool, client: HTTPClient) async throws -> (Int, Duration?) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "FrobsSimulator")
        request.headers.add(name: deliveryIdHeader, value: deliveryId)
        if let signer {
            request.headers.add(name: signer.header, value: signer.signature(for: forged ? Array("forged".utf8) : body))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: Self.timeAmount(timeout))
        // Drain the answer so the connection can be reused.
        _ = try? await response.body.collect(upTo: 1024 * 1024)
        let retryAfter = response.headers.first(name: "retry-after").flatMap(Int.init).map { Duration.seconds(max(0, $0)) }
        return (Int(response.status.code), retryAfter)
    }

    static func isRetryable(_ status: Int) -> Bool {
        status >= 500 || status == 408 || status == 425 || status == 429
    }

    private static func describe(_ error: any Error) -> String {
        String(describing: error)
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
