import Crypto
import Foundation

/// The generated part of the hostile corpus: bodies at and one byte over each limit, valid,
/// wrong and rotated signatures, and the rate limit. (The data files under `Tests/Hostile/` hold
/// the rest.)
enum HostileCorpus {
    static let token = "hostile-t0ken-secret"
    static let partnerSecrets = ["hostile-hmac-secret-old", "hostile-hmac-secret-new"]
    static let githubSecret = "hostile-github-secret"
    static let gitlabTokens = ["gl-token-1", "gl-token-2"]
    /// Every secret of the configuration: no answer may contain one.
    static var secrets: [String] { [token] + partnerSecrets + [githubSecret] + gitlabTokens }

    static let fiveMiB = 5 * 1024 * 1024

    /// The configuration of the server under attack.
    static func config(upstreamPort port: Int) -> String {
        """
        backend:
          reading:
            allow: [{ host: '127.0.0.1:\(port)' }]
          auth:
            externalAccess:
              - type: static
                options: { token: \(token), subject: hostile-suite }
        events:
          http:
            topics:
              - frobs
              - topic: small
                maxBodyBytes: 64
              - topic: limited
                rateLimit: { perSecond: 0.001, burst: 2 }
              - topic: partners
                validator: { type: hmac-sha256, header: x-signature, prefix: 'sha256=', secrets: [\(partnerSecrets.joined(separator: ", "))] }
                idempotencyKey: { jsonPath: '$.delivery.id' }
          modules:
            github: { webhookSecret: \(githubSecret) }
            gitlab: { webhookSecret: [\(gitlabTokens.joined(separator: ", "))] }
          delivery: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 20ms }
        catalog:
          providers:
            frobs:
              hostile:
                url: http://127.0.0.1:\(port)/envs/{env}/data
                eventUrl: http://127.0.0.1:\(port)/frobs/{id}
                schedule: { frequency: 1h, timeout: 1m, initialDelay: 1h }
        """
    }

    static func hmac(_ body: [UInt8], _ secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A JSON object of exactly `size` bytes: `{"pad":"xxx…"}`.
    static func jsonBody(size: Int) -> [UInt8] {
        let frame = #"{"pad":""}"#.utf8.count
        return Array(#"{"pad":""#.utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: size - frame) + Array(#""}"#.utf8)
    }

    static let json = [("content-type", "application/json")]

    static var generated: [HostileCase] { limits + signatures + rateLimit }

    /// At and one byte over each body limit.
    static var limits: [HostileCase] {
        var cases: [HostileCase] = []
        for (topic, limit) in [("small", 64), ("frobs", fiveMiB)] {
            cases.append(HostileCase("limit/\(topic)-at-limit", "POST", "/api/events/http/\(topic)", headers: json,
                                     bytes: jsonBody(size: limit), expect: [202]))
            cases.append(HostileCase("limit/\(topic)-one-over", "POST", "/api/events/http/\(topic)", headers: json,
                                     bytes: jsonBody(size: limit + 1), expect: [413]))
            cases.append(HostileCase("limit/\(topic)-far-over", "POST", "/api/events/http/\(topic)", headers: json,
                                     bytes: jsonBody(size: limit * 3), expect: [413]))
        }
        let signedAtLimit = jsonBody(size: fiveMiB)
        cases.append(HostileCase("limit/partners-signed-one-over", "POST", "/api/events/http/partners",
                                 headers: json + [("x-signature", "sha256=" + hmac(signedAtLimit + [0x20], partnerSecrets[1]))],
                                 bytes: signedAtLimit + [0x20], expect: [413]))
        // The JSON routes: 5 MiB (the sign-in cookie: 64 KiB).
        for path in ["/api/catalog/entities/by-refs", "/api/catalog/validate-entity", "/api/catalog/refresh",
                     "/api/catalog/locations?dryRun=true"] {
            cases.append(HostileCase("limit\(path)-at-limit", "POST", path, headers: json, bytes: jsonBody(size: fiveMiB),
                                     expect: [400]))
            cases.append(HostileCase("limit\(path)-one-over", "POST", path, headers: json, bytes: jsonBody(size: fiveMiB + 1),
                                     expect: [413]))
        }
        cases.append(HostileCase("limit/sign-in-at-limit", "POST", "/api/auth/cookie", headers: json,
                                 bytes: jsonBody(size: 64 * 1024), expect: [400], auth: false))
        cases.append(HostileCase("limit/sign-in-one-over", "POST", "/api/auth/cookie", headers: json,
                                 bytes: jsonBody(size: 64 * 1024 + 1), expect: [413], auth: false))
        return cases
    }

    /// Valid, rotated, wrong and tampered signatures.
    static var signatures: [HostileCase] {
        var cases: [HostileCase] = []
        let body = Array(#"{"delivery":{"id":"sig-1"},"amount":5.0}"#.utf8)
        func partners(_ name: String, _ bytes: [UInt8], _ signature: String, _ expect: Set<Int>) {
            cases.append(HostileCase("signature/partners-\(name)", "POST", "/api/events/http/partners",
                                     headers: json + [("x-signature", signature)], bytes: bytes, expect: expect))
        }
        partners("new-secret", body, "sha256=" + hmac(body, partnerSecrets[1]), [202])
        partners("replayed", body, "sha256=" + hmac(body, partnerSecrets[1]), [202])
        partners("old-secret", body, "sha256=" + hmac(body, partnerSecrets[0]), [202])
        partners("other-topic-secret", body, "sha256=" + hmac(body, githubSecret), [403])
        partners("empty-secret", body, "sha256=" + hmac(body, ""), [403])
        partners("no-prefix", body, hmac(body, partnerSecrets[1]), [403])
        partners("truncated", body, "sha256=" + String(hmac(body, partnerSecrets[1]).dropLast(2)), [403])
        partners("extended", body, "sha256=" + hmac(body, partnerSecrets[1]) + "00", [403])
        partners("with-spaces", body, "sha256= " + hmac(body, partnerSecrets[1]), [403])
        partners("two-values", body, "sha256=" + hmac(body, partnerSecrets[1]) + ", sha256=00", [403])
        partners("body-changed", body + [0x0A], "sha256=" + hmac(body, partnerSecrets[1]), [403])
        let reserialised = Array(#"{"delivery":{"id":"sig-1"},"amount":5}"#.utf8)
        partners("reserialised", reserialised, "sha256=" + hmac(body, partnerSecrets[1]), [403])
        partners("replayed-signature-new-body", Array(#"{"delivery":{"id":"sig-2"}}"#.utf8),
                 "sha256=" + hmac(body, partnerSecrets[1]), [403])
        partners("malformed-json-signed", Array(#"{"delivery":"#.utf8), "sha256=" + hmac(Array(#"{"delivery":"#.utf8), partnerSecrets[1]), [400])
        let push = Array(#"{"ref":"refs/heads/main","repository":{"full_name":"o/r"}}"#.utf8)
        func github(_ name: String, _ signature: String, _ expect: Set<Int>) {
            cases.append(HostileCase("signature/github-\(name)", "POST", "/api/events/http/github",
                                     headers: json + [("x-github-event", "push"), ("x-github-delivery", "hostile-\(name)"),
                                                      ("x-hub-signature-256", signature)],
                                     bytes: push, expect: expect))
        }
        github("valid", "sha256=" + hmac(push, githubSecret), [202])
        github("sha1-prefix", "sha1=" + hmac(push, githubSecret), [403])
        github("wrong-secret", "sha256=" + hmac(push, "It's a Secret to Everybody"), [403])
        github("partner-secret", "sha256=" + hmac(push, partnerSecrets[0]), [403])
        for (index, token) in gitlabTokens.enumerated() {
            cases.append(HostileCase("signature/gitlab-rotated-\(index)", "POST", "/api/events/http/gitlab",
                                     headers: json + [("x-gitlab-token", token), ("x-gitlab-event-uuid", "hostile-gl-\(index)")],
                                     body: #"{"object_kind":"push"}"#, expect: [202]))
        }
        return cases
    }

    /// Burst 2, then 429 with Retry-After.
    static var rateLimit: [HostileCase] {
        (1...4).map { index in
            HostileCase("rate-limit/\(index)", "POST", "/api/events/http/limited", headers: json,
                        body: #"{"n":\#(index)}"#, expect: index <= 2 ? [202] : [429])
        }
    }
}
