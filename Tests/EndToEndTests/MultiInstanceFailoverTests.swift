import CallboardTesting
import CatalogModel
import Foundation
import Testing

/// Two `callboard serve` processes on one PostgreSQL database (SPEC §3.4, §8): instance A holds
/// the delivery leases and is killed with SIGKILL while the Frobs provider is inside a slow
/// delivery. Instance B takes the subscribers over once A's leases expire (30 s) and delivers
/// every acknowledged event; only events past the cursor A had committed are delivered again.
@Suite(.serialized, .enabled(if: TestPostgresAvailability.isEnabled), .timeLimit(.minutes(5)))
struct MultiInstanceFailoverTests {
    static let firstWave = 10
    static let secondWave = 30

    static func webhook(_ server: FaultServer, _ id: Int) async throws -> String? {
        let reply = try await server.request(.POST, "/api/events/http/frobs", body: #"{"type":"add","id":"\#(id)"}"#,
                                             headers: [("idempotency-key", "failover-\(id)")])
        return reply.status == 202 ? try reply.json()["eventId"]?.stringValue : nil
    }

    @Test func instanceBFinishesTheDeliveriesOfAKilledInstanceA() async throws {
        let upstream = CountingFrobsUpstream(eventDelay: .milliseconds(200))
        try await SharedDatabase.with { database in
            try await FakeHTTPServer.with({ await upstream.reply($0) }) { _, port in
                let workspace = try FaultWorkspace.sharedFrobs(
                    port: port, database: database, schedule: "{ frequency: 1h, timeout: 1m, initialDelay: 1h }",
                    more: "events: { delivery: { maxAttempts: 5, initialBackoff: 10ms, maxBackoff: 50ms } }")
                defer { workspace.remove() }

                // A starts alone and claims every subscriber; B starts once it has.
                let first = try await FaultServer.start(workspace)
                var owners: [String: String?] = [:]
                #expect(try await eventually(seconds: 60) {
                    owners = try await database.leaseOwners()
                    return ["FrobsEventRouter", "frobs-test"].allSatisfy { (owners[$0] ?? nil) != nil }
                })
                let ownerA = try #require(owners["frobs-test"] ?? nil)
                #expect((owners["FrobsEventRouter"] ?? nil) == ownerA)
                let second = try await FaultServer.start(workspace)

                // First wave, round-robin: delivered by A, and its cursor committed.
                var acknowledged: [Int: String] = [:]
                for id in 0..<Self.firstWave {
                    acknowledged[id] = try await Self.webhook(id % 2 == 0 ? first : second, id)
                }
                #expect(try await eventually(seconds: 60) {
                    let positions = try await database.frobsAddPositions()
                    guard positions.count == Self.firstWave, let cursor = try await database.subscriber("frobs-test")?.cursor
                    else { return false }
                    return positions.values.allSatisfy { $0 <= cursor }
                }, "the first wave is delivered")

                // Second wave; SIGKILL A while the provider is inside a delivery.
                for id in Self.firstWave..<(Self.firstWave + Self.secondWave) {
                    acknowledged[id] = try await Self.webhook(id % 2 == 0 ? first : second, id)
                }
                #expect(acknowledged.count == Self.firstWave + Self.secondWave, "every webhook acknowledged")
                #expect(try await eventually(seconds: 60) {
                    upstream.started >= Self.firstWave + 3 && upstream.inFlight > 0
                })
                await first.kill()
                // What A had acknowledged, and that it still held the lease (so B had not started).
                let atKill = try #require(try await database.subscriber("frobs-test"))
                #expect(atKill.leaseOwner == ownerA)
                upstream.goFast()

                // B takes over once A's leases expire, and catches up.
                #expect(try await eventually(seconds: 180) {
                    guard let owner = try await database.subscriber("frobs-test")?.leaseOwner, owner != ownerA else {
                        return false
                    }
                    let router = try await second.subscription("FrobsEventRouter")?["lag"]
                    let provider = try await second.subscription("frobs-test")?["lag"]
                    return router == 0 && provider == 0
                }, "B takes over A's subscribers and delivers")

                // Every acknowledged event's effect is in the catalog, read through B.
                let names = Set(try await second.frobTitles().keys)
                let missing = acknowledged.keys.filter { !names.contains("frob-\($0)") }.sorted()
                #expect(missing.isEmpty, "acknowledged but not delivered: \(missing)")
                #expect(try await second.json("/api/events/dead-letters").arrayValue?.isEmpty == true)

                // At-least-once, no more: an event at or before A's committed cursor was delivered
                // once; one after it (A's unacknowledged batch, with the read in flight) may have
                // been delivered by A and again by B.
                let positions = try await database.frobsAddPositions()
                let reads = upstream.reads
                var redelivered: [Int] = []
                for id in acknowledged.keys.sorted() {
                    let position = try #require(positions["\(id)"], "frobs.add for \(id)")
                    let count = reads["\(id)", default: 0]
                    #expect(count >= 1, "event \(id) read \(count) times")
                    if position <= atKill.cursor {
                        #expect(count == 1, "event \(id) was acknowledged by A, yet read \(count) times")
                    } else if count > 1 {
                        redelivered.append(id)
                    }
                }
                print("MultiInstanceFailover: cursor at kill \(atKill.cursor); redelivered by B: \(redelivered)")
                await second.stop()
            }
        }
    }
}
