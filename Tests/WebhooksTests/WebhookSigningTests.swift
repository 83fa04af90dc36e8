import Events
import Foundation
import Testing
import Webhooks

/// What `WebhookSigning` makes is what the validators accept, over the same raw bytes.
@Suite struct WebhookSigningTests {
    let body = Array(#"{"type":"add","id":"42"}"#.utf8)

    @Test func hmacAndGitHubSignaturesAreAccepted() {
        let signed = WebhookSigning.hmacSHA256(body: body, secret: "s3cret", header: "X-Signature", prefix: "sha256=")
        #expect(signed.keys.sorted() == ["x-signature"])
        let validator = HMACSignatureValidator(header: "x-signature", prefix: "sha256=", secrets: ["s3cret"])
        #expect(validator.rejection(for: IngressRequest(headers: signed, body: body)) == nil)
        #expect(validator.rejection(for: IngressRequest(headers: signed, body: body + [0x20])) != nil)

        let github = WebhookSigning.hmacSHA256(body: body, secret: "gh", header: "x-hub-signature-256", prefix: "sha256=")
        #expect(HMACSignatureValidator.github(secrets: ["gh"]).rejection(for: IngressRequest(headers: github, body: body)) == nil)
    }

    @Test func gitLabTokenIsAccepted() {
        let headers = WebhookSigning.gitLabToken(secret: "glpat")
        #expect(GitLabTokenValidator(secrets: ["glpat"]).rejection(for: IngressRequest(headers: headers, body: body)) == nil)
    }

    @Test func standardWebhooksAreAcceptedAndABadSecretIsNil() throws {
        let secret = "whsec_" + Data("a-32-byte-secret-for-the-test!!!".utf8).base64EncodedString()
        let headers = try #require(WebhookSigning.standardWebhooks(body: body, secret: secret, id: "msg_1"))
        let validator = try #require(StandardWebhooksValidator(secrets: [secret]))
        #expect(validator.rejection(for: IngressRequest(headers: headers, body: body)) == nil)
        #expect(WebhookSigning.standardWebhooks(body: body, secret: "not base64!", id: "msg_1") == nil)
    }
}
