/// How a ``FrobsSimulator`` runs: where it listens, where it sends webhooks, and the demo.
///
/// Its `description` redacts the signing secret, so logging the configuration is safe.
public struct FrobsSimulatorConfiguration: Sendable, CustomStringConvertible {
    /// Address to listen on; loopback by default.
    public var host: String
    /// Port to listen on; 0 picks a free one (``FrobsSimulator/start()`` returns it).
    public var port: Int
    /// Callboard's ingress URL for the `frobs` topic, e.g.
    /// `http://127.0.0.1:7007/api/events/http/frobs`; nil sends no webhooks.
    public var ingressURL: String?
    /// Signs each webhook with HMAC-SHA256 over the exact body bytes when set.
    public var signingSecret: String?
    /// Header that carries the signature (matches a Callboard `hmac-sha256` validator's `header`).
    public var signatureHeader: String
    /// Prefix before the lower-case hex digest (the validator's `prefix`).
    public var signaturePrefix: String
    /// Header that carries each webhook's unique delivery id (the topic's `idempotencyKey.header`).
    public var deliveryIdHeader: String
    /// Retries of a webhook that got no answer, a 5xx, 408, 425 or 429.
    public var webhookRetry: WebhookRetryPolicy
    /// Time allowed for one webhook request.
    public var webhookTimeout: Duration
    /// How often the demo driver changes the sources; nil turns the demo loop off (steps can still
    /// be driven with ``FrobsSimulator/demoStep()`` or `POST /demo/step`).
    public var demoInterval: Duration?
    /// Seeds the demo driver: the same seed and initial sources give the same steps.
    public var seed: UInt64
    /// Every this many demo steps, a trouble step (an invalid frob, a flaky or unreachable
    /// source, a duplicate or forged webhook) instead of a change; nil or 0 never.
    public var troubleEvery: Int?
    /// Sources present at start, created without webhooks (a full sync picks them up).
    public var initialSources: [FrobSource]
    /// Largest accepted control request body.
    public var maxRequestBytes: Int

    /// A configuration; every field has a default suitable for the local demo.
    public init(
        host: String = "127.0.0.1",
        port: Int = 7008,
        ingressURL: String? = nil,
        signingSecret: String? = nil,
        signatureHeader: String = "x-signature",
        signaturePrefix: String = "sha256=",
        deliveryIdHeader: String = "x-delivery-id",
        webhookRetry: WebhookRetryPolicy = WebhookRetryPolicy(),
        webhookTimeout: Duration = .seconds(10),
        demoInterval: Duration? = nil,
        seed: UInt64 = 1,
        troubleEvery: Int? = nil,
        initialSources: [FrobSource] = [],
        maxRequestBytes: Int = 32 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.ingressURL = ingressURL
        self.signingSecret = signingSecret
        self.signatureHeader = signatureHeader
        self.signaturePrefix = signaturePrefix
        self.deliveryIdHeader = deliveryIdHeader
        self.webhookRetry = webhookRetry
        self.webhookTimeout = webhookTimeout
        self.demoInterval = demoInterval
        self.seed = seed
        self.troubleEvery = troubleEvery
        self.initialSources = initialSources
        self.maxRequestBytes = maxRequestBytes
    }

    /// Two small sources (three frobs) so that a demo starts with something to show.
    public static let sampleSources: [FrobSource] = [
        FrobSource(id: "1", frobs: [
            Frob(name: "frob-alpha", owner: "team-a", lifecycle: "production", title: "Frob Alpha",
                 description: "The first frob.", system: "frobnication", tags: ["demo"]),
            Frob(name: "frob-beta", owner: "team-b", lifecycle: "experimental", title: "Frob Beta",
                 description: "The second frob.", system: "frobnication", tags: ["demo"]),
        ]),
        FrobSource(id: "2", frobs: [
            Frob(name: "frob-gamma", owner: "team-a", lifecycle: "deprecated", title: "Frob Gamma",
                 description: "The third frob.", system: "widgetry", tags: ["demo"]),
        ]),
    ]

    public var description: String {
        let secret = signingSecret == nil ? "none" : "<redacted>"
        let demo = demoInterval.map { "\($0)" } ?? "off"
        return "FrobsSimulatorConfiguration(host: \(host), port: \(port), ingressURL: \(ingressURL ?? "none"), "
            + "signingSecret: \(secret), signatureHeader: \(signatureHeader), deliveryIdHeader: \(deliveryIdHeader), "
            + "demoInterval: \(demo), seed: \(seed), initialSources: \(initialSources.count))"
    }
}

/// Attempts and backoff for a webhook: the delay starts at `initialBackoff` and doubles up to
/// `maxBackoff`.
public struct WebhookRetryPolicy: Sendable, Equatable {
    /// Requests made at most, the first included (at least 1).
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}
