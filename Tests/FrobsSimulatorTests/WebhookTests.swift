import Crypto
import Foundation
import FrobsSimulator
import Testing

/// The webhooks the simulator sends to Callboard's ingress: body, headers, signature, order,
/// retries, and what the control answer says about them.
@Suite struct WebhookTests {
    static let secret = "s3cret-frobs"

    static func hmac(_ body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    @Test func createSendsSignedAddWebhookWithDeliveryID() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress; $0.signingSecret = Self.secret }) { harness async throws in
                let reply = try await harness.request(.PUT, "/sources/7", body: frobsBody("frob-alpha", "frob-beta"))
                #expect(reply.status == 201)
                let change = try reply.decode(SourceChange.self)
                #expect(change.id == "7" && change.event == .add && change.version == 1)
                let webhook = try #require(change.webhook)
                #expect(webhook.accepted && webhook.status == 202 && webhook.attempts == 1)

                let received = try #require(receiver.received.first)
                #expect(receiver.received.count == 1)
                #expect(received.text == #"{"type":"add","id":"7"}"#)
                #expect(received.headers["content-type"] == "application/json")
                #expect(received.headers["x-delivery-id"] == webhook.deliveryId)
                #expect(received.headers["x-signature"] == Self.hmac(received.body))
            }
        }
    }

    @Test func replaceAndDeleteSendModifyAndDeleteWithUniqueDeliveryIDs() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress }) { harness async throws in
                #expect(try await harness.request(.PUT, "/sources/3", body: frobsBody("frob-a")).status == 201)
                let modified = try await harness.request(.PUT, "/sources/3", body: frobsBody("frob-b"))
                #expect(modified.status == 200)
                #expect(try modified.decode(SourceChange.self).event == .modify)
                let deleted = try await harness.request(.DELETE, "/sources/3")
                #expect(deleted.status == 200)
                #expect(try deleted.decode(SourceChange.self).event == .delete)

                let bodies = receiver.received.map(\.text)
                #expect(bodies == [#"{"type":"add","id":"3"}"#, #"{"type":"modify","id":"3"}"#, #"{"type":"delete","id":"3"}"#])
                let ids = receiver.received.compactMap { $0.headers["x-delivery-id"] }
                #expect(Set(ids).count == 3)
                // Unsigned without a secret.
                #expect(receiver.received.allSatisfy { $0.headers["x-signature"] == nil })
            }
        }
    }

    @Test func headerNamesAndPrefixAreConfigurable() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({
                $0.ingressURL = ingress
                $0.signingSecret = Self.secret
                $0.signatureHeader = "x-frobs-signature"
                $0.signaturePrefix = "sha256="
                $0.deliveryIdHeader = "idempotency-key"
            }) { harness async throws in
                _ = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a"))
                let received = try #require(receiver.received.first)
                #expect(received.headers["x-frobs-signature"] == Self.hmac(received.body))
                #expect(received.headers["idempotency-key"]?.isEmpty == false)
                #expect(received.headers["x-delivery-id"] == nil)
            }
        }
    }

    @Test func retriesServerErrorsWithTheSameDeliveryID() async throws {
        try await IngressReceiver.with(script: [503, 500]) { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress }) { harness async throws in
                let change = try await harness.request(.PUT, "/sources/9", body: frobsBody("frob-a")).decode(SourceChange.self)
                let webhook = try #require(change.webhook)
                #expect(webhook.accepted && webhook.status == 202 && webhook.attempts == 3)
                let ids = receiver.received.compactMap { $0.headers["x-delivery-id"] }
                #expect(ids.count == 3 && Set(ids) == [webhook.deliveryId])
            }
        }
    }

    @Test func givesUpAfterMaxAttemptsAndDoesNotRetryRejections() async throws {
        try await IngressReceiver.with(script: [500, 500, 500, 403]) { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress }) { harness async throws in
                let first = try #require(try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a"))
                    .decode(SourceChange.self).webhook)
                #expect(!first.accepted && first.status == 500 && first.attempts == 3)
                let second = try #require(try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-b"))
                    .decode(SourceChange.self).webhook)
                #expect(!second.accepted && second.status == 403 && second.attempts == 1)
                #expect(receiver.received.count == 4)
                // The data changed all the same: the upstream does not depend on Callboard.
                #expect(try await harness.names("/sources/1/data") == ["frob-b"])
            }
        }
    }

    @Test func unreachableIngressIsReportedWithoutAStatus() async throws {
        // Nothing listens on port 1 of loopback: every attempt is refused.
        try await Harness.with({ $0.ingressURL = "http://127.0.0.1:1/api/events/http/frobs" }) { harness async throws in
            let reply = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a"))
            #expect(reply.status == 201)
            let webhook = try #require(try reply.decode(SourceChange.self).webhook)
            #expect(!webhook.accepted && webhook.status == nil && webhook.attempts == 3 && webhook.error != nil)
        }
    }

    @Test func notifyFalseChangesDataSilently() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress }) { harness async throws in
                let reply = try await harness.request(.PUT, "/sources/4?notify=false", body: frobsBody("frob-a"))
                #expect(reply.status == 201)
                #expect(try reply.json()["webhook"] is NSNull)
                #expect(try await harness.request(.DELETE, "/sources/4?notify=0").status == 200)
                #expect(receiver.received.isEmpty)
                #expect(try await harness.names("/sources/4/data") == ["frob-a"])
            }
        }
    }

    @Test func withoutIngressNoWebhookIsSent() async throws {
        try await Harness.with { harness async throws in
            let reply = try await harness.request(.PUT, "/sources/1", body: frobsBody("frob-a"))
            #expect(reply.status == 201)
            #expect(try reply.json()["webhook"] is NSNull)
            #expect(try await harness.request(.POST, "/webhooks", body: #"{"type":"add","id":"1"}"#).status == 409)
        }
    }

    @Test func rawWebhooksAreSentAsIsAndSigned() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress; $0.signingSecret = Self.secret }) { harness async throws in
                let raw = #"{"type":"frobnicate", "id":"x","extra":[1,2]}"#
                let reply = try await harness.request(.POST, "/webhooks", body: raw)
                #expect(reply.status == 200)
                let received = try #require(receiver.received.first)
                #expect(received.text == raw)
                #expect(received.headers["x-signature"] == Self.hmac(received.body))
                #expect(try await harness.request(.POST, "/webhooks", body: "[1]").status == 400)
            }
        }
    }

    @Test func concurrentChangesAreAnnouncedInTheOrderTheyHappened() async throws {
        try await IngressReceiver.with { receiver, ingress async throws in
            try await Harness.with({ $0.ingressURL = ingress }) { harness async throws in
                let changes = try await withThrowingTaskGroup(of: SourceChange.self) { group in
                    for index in 1...8 {
                        group.addTask {
                            try await harness.simulator.putSource("s", frobs: [Frob(name: "frob-\(index)", owner: "team-a")])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                // Each change's version says when it happened; the webhooks arrived in that order.
                let versionByDelivery = Dictionary(uniqueKeysWithValues: changes.compactMap { change in
                    change.webhook.map { ($0.deliveryId, change.version) }
                })
                let arrived = receiver.received.compactMap { $0.headers["x-delivery-id"].flatMap { versionByDelivery[$0] } }
                #expect(arrived == Array(1...8))
                #expect(receiver.received.first?.text == #"{"type":"add","id":"s"}"#)
                #expect(receiver.received.dropFirst().allSatisfy { $0.text == #"{"type":"modify","id":"s"}"# })
            }
        }
    }
}
