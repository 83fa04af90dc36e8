import Catalog
@testable import CallboardServer
import Events
import StoreSQLite
import Testing

/// Instances sharing a catalog each relay its outbox: a change relayed twice is stored once.
@Suite struct CatalogChangeRelayTests {
    @Test func aChangeRelayedByTwoInstancesIsOneEvent() async throws {
        let log = try SQLiteEventLog(path: nil)
        let change = CatalogChange(sequence: 7, type: .added, entityRef: "component:default/svc", uid: "u-1", etag: "e",
                                   provider: "p")
        let first = try await log.append([CatalogChangeRelay.event(change)])
        let second = try await log.append([CatalogChangeRelay.event(change)])
        #expect(second == [.duplicate(id: first[0].eventID)])
        let next = CatalogChange(sequence: 8, type: .removed, entityRef: "component:default/svc", uid: "u-1", etag: nil,
                                 provider: "p")
        if case .appended = try await log.append([CatalogChangeRelay.event(next)])[0] {} else {
            Issue.record("the next change must be stored")
        }
    }
}
