import CatalogModel
import Crypto
import Events
import Foundation
import Testing
@testable import Webhooks

/// Validators over raw bytes, CloudEvents and form decoding, idempotency keys, rate limits.
@Suite struct ValidatorTests {
    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: [
        ([UInt8](), [UInt8](), true), ([1, 2, 3], [1, 2, 3], true), ([1, 2, 3], [1, 2, 4], false),
        ([1, 2, 3], [1, 2], false), ([1, 2], [1, 2, 3], false), ([0], [], false),
    ] as [([UInt8], [UInt8], Bool)])
    func constantTimeEquality(lhs: [UInt8], rhs: [UInt8], equal: Bool) {
        #expect(ConstantTime.equals(lhs, rhs) == equal)
    }

    @Test func githubSignatureOverRawBytes() {
        let body = Array(#"{"zen":"Keep it logically awesome.","n":5.0}"#.utf8)
        let key = SymmetricKey(data: Array("s3cret".utf8))
        let signature = "sha256=" + Self.hex(HMAC<SHA256>.authenticationCode(for: body, using: key))
        let validator = HMACSignatureValidator.github(secrets: ["rotated-out", "s3cret"])
        #expect(validator.rejection(for: IngressRequest(headers: ["x-hub-signature-256": signature], body: body)) == nil)
        #expect(validator.rejection(for: IngressRequest(headers: ["x-hub-signature-256": signature], body: body + [0x20])) != nil)
        #expect(validator.rejection(for: IngressRequest(headers: ["x-hub-signature-256": "sha256=zz"], body: body)) != nil)
        #expect(validator.rejection(for: IngressRequest(headers: [:], body: body)) != nil)
        #expect(validator.secretHeaders.contains("x-hub-signature-256"))
    }

    @Test func standardWebhooksSignature() {
        let secret = Data("a standard webhooks secret!!".utf8).base64EncodedString()
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        guard let validator = StandardWebhooksValidator(secrets: ["whsec_" + secret], now: { now }) else {
            Issue.record("a base64 secret must be accepted")
            return
        }
        let body = Array(#"{"type":"user.created"}"#.utf8)
        let signed = Array("msg_1.1700000000.".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(base64Encoded: secret)!))
        let signature = "v1," + Data(mac).base64EncodedString()
        let headers = ["webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": "v1,bogus \(signature)"]
        #expect(validator.rejection(for: IngressRequest(headers: headers, body: body)) == nil)
        var stale = headers
        stale["webhook-timestamp"] = "1699990000"
        #expect(validator.rejection(for: IngressRequest(headers: stale, body: body)) != nil)
        #expect(validator.rejection(for: IngressRequest(headers: headers, body: body + [0x0A])) != nil)
        #expect(StandardWebhooksValidator(secrets: ["not base64 !"]) == nil)
    }

    @Test func gitlabTokens() {
        let validator = GitLabTokenValidator(secrets: ["one", "two"])
        #expect(validator.rejection(for: IngressRequest(headers: ["x-gitlab-token": "two"], body: [])) == nil)
        #expect(validator.rejection(for: IngressRequest(headers: ["x-gitlab-token": "tw"], body: [])) != nil)
        #expect(validator.rejection(for: IngressRequest(headers: [:], body: [])) != nil)
    }

    @Test(arguments: [
        (["idempotency-key": "a", "x-github-delivery": "b"], "a"),
        (["x-github-delivery": "b", "webhook-id": "c"], "b"),
        (["webhook-id": "c", "x-request-uuid": "d"], "c"),
        (["x-request-uuid": "d", "ce-source": "/s", "ce-id": "1"], "d"),
        (["ce-source": "/s", "ce-id": "1", "x-gitlab-event-uuid": "e"], "/s 1"),
        (["ce-id": "1", "x-gitlab-event-uuid": "e"], "e"),
        ([:], nil),
    ] as [([String: String], String?)])
    func idempotencyKeyOrder(headers: [String: String], expected: String?) {
        #expect(IngressTopic(name: "t").idempotencyKey(headers: headers, metadata: [:], payload: .null) == expected)
    }

    @Test func secretHeadersNeverReachMetadata() {
        let topic = IngressTopic(name: "t", validator: HMACSignatureValidator(header: "X-Partner-Sig", prefix: "", secrets: ["k"]))
        let kept = topic.storableMetadata([
            "authorization": "Bearer x", "cookie": "c", "x-gitlab-token": "t", "x-hub-signature": "s",
            "x-hub-signature-256": "s", "webhook-signature": "s", "x-partner-sig": "s", "x-github-event": "push",
        ])
        #expect(kept == ["x-github-event": "push"])
    }

    @Test func tokenBucketRefillsAndSaysHowLongToWait() {
        let bucket = TokenBucket(perSecond: 2, burst: 2)
        let start = ContinuousClock.now
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == 1)
        #expect(bucket.take(now: start + .milliseconds(600)) == nil)
    }

    @Test(arguments: [
        ("application/json", #"{"a":1}"#, true),
        ("application/json; charset=utf-8", #"{"a":1}"#, true),
        ("application/merge-patch+json", #"{"a":1}"#, true),
        ("text/plain", #"{"a":1}"#, false),
        ("application/xml", "<a/>", false),
    ])
    func mediaTypes(contentType: String, body: String, accepted: Bool) {
        let result = IngressPayload.decode(IngressRequest(headers: ["content-type": contentType], body: Array(body.utf8)))
        if case .success = result { #expect(accepted) } else { #expect(!accepted) }
    }

    @Test func structuredCloudEventNeedsItsRequiredAttributes() {
        let missing = IngressPayload.decode(IngressRequest(
            headers: ["content-type": "application/cloudevents+json"],
            body: Array(#"{"specversion":"1.0","id":"1","type":"t","data":{}}"#.utf8)))
        guard case .failure(.undecodable(let message)) = missing else {
            Issue.record("a CloudEvent without source must be refused")
            return
        }
        #expect(message.contains("source"))
    }
}
