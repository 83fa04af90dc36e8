import CatalogModel
import Foundation

extension CallboardConfiguration {
    /// `events`: HTTP ingress topics, the GitHub/GitLab webhook modules, delivery and retention.
    public struct Events: Sendable, Hashable {
        /// `events.http.topics`, in order.
        public var httpTopics: [Topic]
        /// `events.modules.github`: topic `github` validated by GitHub signatures; nil when absent.
        public var github: WebhookModule?
        /// `events.modules.gitlab`: topic `gitlab` validated by the GitLab token; nil when absent.
        public var gitlab: WebhookModule?
        /// The other subtrees of `events.modules`, by module name, unvalidated: their modules read them.
        public var otherModules: [String: ConfigReader]
        /// `events.delivery`.
        public var delivery: Delivery
        /// `events.retention`.
        public var retention: Retention

        static let backstageKeys: Set<String> = ["useEventBus"]

        public init(
            httpTopics: [Topic] = [],
            github: WebhookModule? = nil,
            gitlab: WebhookModule? = nil,
            otherModules: [String: ConfigReader] = [:],
            delivery: Delivery = Delivery(),
            retention: Retention = Retention()
        ) {
            self.httpTopics = httpTopics
            self.github = github
            self.gitlab = gitlab
            self.otherModules = otherModules
            self.delivery = delivery
            self.retention = retention
        }

        /// Every ingress topic: the module topics (`github`, `gitlab`) then `events.http.topics`.
        public var topics: [Topic] {
            [github?.topic, gitlab?.topic].compactMap { $0 } + httpTopics
        }

        /// The ingress topic named `name`, if configured.
        public func topic(named name: String) -> Topic? {
            topics.first { $0.name == name }
        }

        init(reader: ConfigReader, ignored: inout IgnoredKeys) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try ignored.check(reader, allowed: ["http", "modules", "delivery", "retention"], backstage: Self.backstageKeys)

            let modules = reader.child("modules")
            if !modules.isNull {
                for (name, module) in try modules.asMembers().sorted(by: { $0.key < $1.key }) {
                    switch name {
                    case "github": github = try WebhookModule(reader: module, kind: .github)
                    case "gitlab": gitlab = try WebhookModule(reader: module, kind: .gitlab)
                    default: otherModules[name] = module
                    }
                }
            }
            let moduleTopics = Set([github?.topic.name, gitlab?.topic.name].compactMap { $0 })

            let http = reader.child("http")
            if !http.isNull {
                _ = try http.asObject()
                try http.expectOnly(["topics"])
                var seen: [String: String] = [:]
                for entry in try http.optionalArray("topics") ?? [] {
                    let topic = try Topic(reader: entry)
                    if moduleTopics.contains(topic.name) {
                        // A plain `github` next to events.modules.github is redundant, as in Backstage
                        // (the module's options win); options on both sides are ambiguous.
                        if case .string = entry.value { continue }
                        throw entry.error("topic '\(topic.name)' is already defined by events.modules.\(topic.name); configure its options there")
                    }
                    if let first = seen[topic.name] {
                        throw entry.error("topic '\(topic.name)' is already defined at \(first)")
                    }
                    seen[topic.name] = entry.path
                    httpTopics.append(topic)
                }
            }
            delivery = try Delivery(reader: reader.child("delivery"))
            retention = try Retention(reader: reader.child("retention"))
        }
    }

    /// One ingress topic: `POST /api/events/http/{name}`.
    public struct Topic: Sendable, Hashable {
        /// The topic name: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
        public var name: String
        /// Larger bodies are refused with 413; default 5 MiB.
        public var maxBodyBytes: Int
        /// Checks the raw body and headers; nil accepts every request.
        public var validator: Validator?
        /// Where the idempotency key comes from; nil means the well-known headers (SPEC §3.2).
        public var idempotencyKey: IdempotencyKeySource?
        /// Requests beyond this rate get 429; nil means unlimited.
        public var rateLimit: RateLimit?

        public static let defaultMaxBodyBytes = 5 * 1024 * 1024

        public init(
            name: String, maxBodyBytes: Int = Topic.defaultMaxBodyBytes, validator: Validator? = nil,
            idempotencyKey: IdempotencyKeySource? = nil, rateLimit: RateLimit? = nil
        ) {
            self.name = name
            self.maxBodyBytes = maxBodyBytes
            self.validator = validator
            self.idempotencyKey = idempotencyKey
            self.rateLimit = rateLimit
        }

        static let optionKeys: Set<String> = ["maxBodyBytes", "idempotencyKey", "rateLimit"]

        /// A plain string or `{ topic, maxBodyBytes?, validator?, idempotencyKey?, rateLimit? }`.
        init(reader: ConfigReader) throws(ConfigError) {
            switch reader.value {
            case .string:
                self.init(name: try Self.name(reader))
            case .object:
                try reader.expectOnly(Self.optionKeys.union(["topic", "validator"]))
                self.init(name: try Self.name(try reader.child("topic").required(expected: "a topic name")))
                try readOptions(reader)
                if let validatorReader = try reader.optionalObject("validator") {
                    validator = try Validator(reader: validatorReader)
                }
            default:
                throw reader.invalid(expected: "a topic name or { topic, maxBodyBytes, validator, idempotencyKey, rateLimit }")
            }
        }

        /// Reads `maxBodyBytes`, `idempotencyKey` and `rateLimit` from `reader`.
        mutating func readOptions(_ reader: ConfigReader) throws(ConfigError) {
            if let size = try reader.optionalByteSize("maxBodyBytes") {
                guard size >= 1 else { throw reader.child("maxBodyBytes").invalid(expected: "a positive byte size") }
                maxBodyBytes = size
            }
            if let source = try reader.optionalObject("idempotencyKey") {
                idempotencyKey = try IdempotencyKeySource(reader: source)
            }
            if let limit = try reader.optionalObject("rateLimit") {
                rateLimit = try RateLimit(reader: limit)
            }
        }

        static func name(_ reader: ConfigReader) throws(ConfigError) -> String {
            let name = try reader.asString()
            guard name.wholeMatch(of: #/[A-Za-z0-9][A-Za-z0-9._\-]*/#) != nil else {
                throw reader.invalid(expected: "a topic name of letters, digits, '.', '_' and '-'")
            }
            return name
        }
    }

    /// How an ingress topic checks requests: `{ type, header?, prefix?, secrets | secret }`.
    public struct Validator: Sendable, Hashable {
        /// The validator type.
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// HMAC-SHA256 of the raw body, hex, in `header` after `prefix`.
            case hmacSHA256 = "hmac-sha256"
            /// GitHub: HMAC-SHA256 in `x-hub-signature-256` as `sha256=<hex>`.
            case github
            /// GitLab: the secret itself in `x-gitlab-token`.
            case gitlab
            /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (`v1,<base64>`).
            case standardWebhooks = "standard-webhooks"

            /// The header that carries the signature or token by default.
            public var defaultHeader: String? {
                switch self {
                case .hmacSHA256: return nil
                case .github: return "x-hub-signature-256"
                case .gitlab: return "x-gitlab-token"
                case .standardWebhooks: return "webhook-signature"
                }
            }

            /// The text before the signature by default.
            public var defaultPrefix: String {
                switch self {
                case .hmacSHA256, .gitlab: return ""
                case .github: return "sha256="
                case .standardWebhooks: return "v1,"
                }
            }
        }

        public var kind: Kind
        /// The lower-cased header that carries the signature or token; dropped from event metadata.
        public var header: String
        /// The text before the signature in the header (`sha256=`).
        public var prefix: String
        /// Accepted secrets, newest first by convention; several allow rotation. For
        /// standard-webhooks, the `whsec_`-prefixed base64 text as configured.
        public var secrets: [ConfigSecret]

        public init(kind: Kind, header: String? = nil, prefix: String? = nil, secrets: [ConfigSecret]) {
            self.kind = kind
            self.header = (header ?? kind.defaultHeader ?? "x-signature").lowercased()
            self.prefix = prefix ?? kind.defaultPrefix
            self.secrets = secrets
        }

        init(reader: ConfigReader) throws(ConfigError) {
            try reader.expectOnly(["type", "header", "prefix", "secrets", "secret"])
            let kindName = try reader.oneOf("type", Kind.allCases.map(\.rawValue))
            let kind = Kind(rawValue: kindName) ?? .hmacSHA256
            let secrets = try Self.secrets(reader)
            var header: String?
            if let value = try reader.optionalString("header") {
                guard kind != .standardWebhooks else {
                    throw reader.child("header").error("is fixed by the Standard Webhooks specification; remove it")
                }
                guard value.wholeMatch(of: #/[A-Za-z0-9!#$%&'*+.^_`|~\-]+/#) != nil else {
                    throw reader.child("header").invalid(expected: "an HTTP header name")
                }
                header = value
            } else if kind == .hmacSHA256 {
                throw reader.child("header").error("missing required value (expected the header that carries the signature, e.g. x-signature)", code: .missingKey)
            }
            var prefix: String?
            if let value = try reader.optionalString("prefix", allowEmpty: true) {
                guard kind == .hmacSHA256 || kind == .github else {
                    throw reader.child("prefix").error("is not used by validator type \(kind.rawValue); remove it")
                }
                prefix = value
            }
            if kind == .standardWebhooks {
                for (index, secret) in secrets.enumerated() where !Self.isStandardWebhooksSecret(secret.value) {
                    let key = reader.has("secrets") ? "secrets" : "secret"
                    let path = reader.has(key) && reader.child(key).value.arrayValue != nil
                        ? ConfigPathText.child(reader.keyPath(key), index: index) : reader.keyPath(key)
                    throw ConfigError(code: .invalidValue, keyPath: path, problem: "expected a base64 secret, optionally prefixed with whsec_")
                }
            }
            self.init(kind: kind, header: header, prefix: prefix, secrets: secrets)
        }

        /// Reads `secrets` or `secret` (a string or a list of strings; exactly one of the two).
        static func secrets(_ reader: ConfigReader) throws(ConfigError) -> [ConfigSecret] {
            let hasList = reader.has("secrets")
            let hasSingle = reader.has("secret")
            if hasList && hasSingle { throw reader.error("set either secrets or secret, not both") }
            guard hasList || hasSingle else {
                throw reader.child("secrets").error("missing required value (expected a secret or a list of secrets)", code: .missingKey)
            }
            return try reader.stringOrList(hasList ? "secrets" : "secret").map(ConfigSecret.init)
        }

        static func isStandardWebhooksSecret(_ secret: String) -> Bool {
            let body = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
            guard let data = Data(base64Encoded: body) else { return false }
            return !data.isEmpty
        }
    }

    /// `events.modules.github` / `events.modules.gitlab`:
    /// `{ webhookSecret, maxBodyBytes?, idempotencyKey?, rateLimit? }`.
    public struct WebhookModule: Sendable, Hashable {
        /// The module's ingress topic (`github` or `gitlab`) with its validator and options.
        public var topic: Topic

        /// The configured webhook secrets (several allow rotation); empty when none.
        public var webhookSecrets: [ConfigSecret] { topic.validator?.secrets ?? [] }

        public init(topic: Topic) {
            self.topic = topic
        }

        /// GitHub without a secret accepts unsigned requests, as Backstage's module does (the
        /// server should warn); GitLab requires its secret, as Backstage's module does.
        init(reader: ConfigReader, kind: Validator.Kind) throws(ConfigError) {
            let name = kind.rawValue
            _ = try reader.asObject()
            try reader.expectOnly(Topic.optionKeys.union(["webhookSecret"]))
            var topic = Topic(name: name)
            try topic.readOptions(reader)
            if kind == .gitlab || reader.has("webhookSecret") {
                let secrets = try reader.stringOrList("webhookSecret").map(ConfigSecret.init)
                topic.validator = Validator(kind: kind, secrets: secrets)
            }
            self.init(topic: topic)
        }
    }

    /// Where a topic's idempotency key comes from: `{ header }` or `{ jsonPath }`.
    public enum IdempotencyKeySource: Sendable, Hashable {
        /// A request header (lower-cased).
        case header(String)
        /// A value in the JSON payload.
        case jsonPath(ConfigJSONPath)

        init(reader: ConfigReader) throws(ConfigError) {
            try reader.expectOnly(["header", "jsonPath"])
            if reader.has("header") && reader.has("jsonPath") {
                throw reader.error("set either header or jsonPath, not both")
            }
            if let header = try reader.optionalString("header") {
                self = .header(header.lowercased())
            } else if let expression = try reader.optionalString("jsonPath") {
                guard let path = ConfigJSONPath(expression) else {
                    throw reader.child("jsonPath").invalid(expected: "a JSON path such as $.id, $.data.id or $.items[0].id")
                }
                self = .jsonPath(path)
            } else {
                throw reader.error("missing required value (expected { header: NAME } or { jsonPath: '$.id' })", code: .missingKey)
            }
        }
    }

    /// `{ perSecond, burst? }`: a token bucket refilled at `perSecond` holding up to `burst`.
    public struct RateLimit: Sendable, Hashable {
        /// Sustained requests per second (may be fractional, > 0).
        public var perSecond: Double
        /// Bucket size; default `perSecond` rounded up.
        public var burst: Int

        public init(perSecond: Double, burst: Int? = nil) {
            self.perSecond = perSecond
            self.burst = burst ?? max(1, Int(perSecond.rounded(.up)))
        }

        init(reader: ConfigReader) throws(ConfigError) {
            try reader.expectOnly(["perSecond", "burst"])
            let perSecond = try reader.double("perSecond")
            guard perSecond > 0 else { throw reader.child("perSecond").invalid(expected: "a positive number") }
            self.init(perSecond: perSecond, burst: try reader.optionalInt("burst", in: 1...Int.max))
        }
    }

    /// `events.delivery`: retries of a failing subscriber before its delivery is parked.
    public struct Delivery: Sendable, Hashable {
        /// Attempts before a dead letter; default 5.
        public var maxAttempts: Int
        /// First retry delay; doubles each attempt (with jitter); default 200 ms.
        public var initialBackoff: Duration
        /// Largest retry delay; default 30 s.
        public var maxBackoff: Duration

        public init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(30)) {
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
        }

        init(reader: ConfigReader) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try reader.expectOnly(["maxAttempts", "initialBackoff", "maxBackoff"])
            maxAttempts = try reader.optionalInt("maxAttempts", in: 1...Int.max) ?? maxAttempts
            initialBackoff = try reader.optionalDuration("initialBackoff", allowZero: false) ?? initialBackoff
            maxBackoff = try reader.optionalDuration("maxBackoff", allowZero: false) ?? maxBackoff
            guard maxBackoff >= initialBackoff else {
                let culprit = reader.has("maxBackoff") ? "maxBackoff" : "initialBackoff"
                throw reader.child(culprit).error("maxBackoff (\(ConfigDuration.format(maxBackoff))) must not be shorter than initialBackoff (\(ConfigDuration.format(initialBackoff)))")
            }
        }
    }

    /// `events.retention`: how long delivered events stay in the log for the admin view.
    public struct Retention: Sendable, Hashable {
        /// Delivered events older than this are removed; default 7 days.
        public var maxAge: Duration
        /// At most this many delivered events are kept; default 1,000,000.
        public var maxEvents: Int
        /// At most this many payload bytes of delivered events are kept; default 2 GiB.
        public var maxBytes: Int
        /// A subscriber not seen for this long stops pinning undelivered events; default 7 days.
        public var staleSubscriberAfter: Duration

        public init(
            maxAge: Duration = .seconds(7 * 86_400), maxEvents: Int = 1_000_000, maxBytes: Int = 2 * 1024 * 1024 * 1024,
            staleSubscriberAfter: Duration = .seconds(7 * 86_400)
        ) {
            self.maxAge = maxAge
            self.maxEvents = maxEvents
            self.maxBytes = maxBytes
            self.staleSubscriberAfter = staleSubscriberAfter
        }

        init(reader: ConfigReader) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try reader.expectOnly(["maxAge", "maxEvents", "maxBytes", "staleSubscriberAfter"])
            maxAge = try reader.optionalDuration("maxAge", allowZero: false) ?? maxAge
            maxEvents = try reader.optionalInt("maxEvents", in: 1...Int.max) ?? maxEvents
            if let bytes = try reader.optionalByteSize("maxBytes") {
                guard bytes >= 1 else { throw reader.child("maxBytes").invalid(expected: "a positive byte size") }
                maxBytes = bytes
            }
            staleSubscriberAfter = try reader.optionalDuration("staleSubscriberAfter", allowZero: false) ?? staleSubscriberAfter
        }
    }
}

/// A simple JSON path into an event payload: `$`, then `.name`, `['name']` or `[index]` steps.
public struct ConfigJSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step of the path.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The expression as configured.
    public var expression: String
    /// The steps after `$`.
    public var components: [Component]

    /// Parses `expression`; nil when it is not of the supported form.
    public init?(_ expression: String) {
        var rest = Substring(expression)
        guard rest.hasPrefix("$") else { return nil }
        rest = rest.dropFirst()
        var components: [Component] = []
        while !rest.isEmpty {
            if let match = rest.prefixMatch(of: #/\.([A-Za-z_$][A-Za-z0-9_$\-]*)/#) {
                components.append(.key(String(match.output.1)))
                rest = rest[match.range.upperBound...]
            } else if let match = rest.prefixMatch(of: #/\[([0-9]+)\]/#), let index = Int(match.output.1) {
                components.append(.index(index))
                rest = rest[match.range.upperBound...]
            } else if let match = rest.prefixMatch(of: #/\['([^']*)'\]|\["([^"]*)"\]/#) {
                components.append(.key(String(match.output.1 ?? match.output.2 ?? "")))
                rest = rest[match.range.upperBound...]
            } else {
                return nil
            }
        }
        guard !components.isEmpty else { return nil }
        self.expression = expression
        self.components = components
    }

    public var description: String { expression }

    /// The value at this path in `value`, or nil.
    public func value(in value: JSONValue) -> JSONValue? {
        var current = value
        for component in components {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let elements = current.arrayValue, elements.indices.contains(index) else { return nil }
                current = elements[index]
            }
        }
        return current
    }
}
