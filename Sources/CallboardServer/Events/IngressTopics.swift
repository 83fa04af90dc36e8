import CallboardConfig
import CatalogModel
import Events
import Webhooks

/// Builds the ingress topics (`events.http.topics` and the github/gitlab modules) from configuration.
enum IngressTopics {
    static func build(_ events: CallboardConfiguration.Events) throws -> [String: IngressTopic] {
        var topics: [String: IngressTopic] = [:]
        for topic in events.topics {
            var ingress = IngressTopic(name: topic.name, maxBodyBytes: topic.maxBodyBytes)
            if let validator = topic.validator {
                ingress.validator = try makeValidator(validator, topic: topic.name)
            }
            switch topic.idempotencyKey {
            case .header(let name)?:
                ingress.idempotency = .header(name)
            case .jsonPath(let path)?:
                ingress.idempotency = .payload { payload in
                    guard let value = path.value(in: payload) else { return nil }
                    switch value {
                    case .string(let text): return text.isEmpty ? nil : text
                    case .int, .double, .bool: return value.canonicalString()
                    default: return nil
                    }
                }
            case nil:
                break
            }
            if let limit = topic.rateLimit {
                ingress.rateLimiter = TokenBucket(perSecond: limit.perSecond, burst: limit.burst)
            }
            topics[topic.name] = ingress
        }
        return topics
    }

    static func makeValidator(_ validator: CallboardConfiguration.Validator, topic: String) throws -> any RequestValidator {
        let secrets = validator.secrets.map(\.value)
        switch validator.kind {
        case .hmacSHA256, .github:
            return HMACSignatureValidator(header: validator.header, prefix: validator.prefix, secrets: secrets)
        case .gitlab:
            return GitLabTokenValidator(secrets: secrets, header: validator.header)
        case .standardWebhooks:
            guard let built = StandardWebhooksValidator(secrets: secrets) else {
                throw StartupError("events: the standard-webhooks secrets of topic '\(topic)' are not base64")
            }
            return built
        }
    }
}
