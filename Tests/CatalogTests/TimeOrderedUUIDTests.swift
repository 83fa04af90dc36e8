import Foundation
@testable import StoreSQLite
import Testing

@Suite struct TimeOrderedUUIDTests {
    @Test func idsAreVersion7UUIDsInCreationOrder() {
        let ids = (0..<10_000).map { _ in TimeOrderedUUID.make() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
            let characters = Array(id)
            #expect(characters[14] == "7")
            #expect("89ab".contains(characters[19]))
        }
    }

    @Test func theTimestampLeadsSoLaterIdsSortLater() {
        let early = TimeOrderedUUID.make(now: Date(timeIntervalSince1970: 1_000))
        let late = TimeOrderedUUID.make(now: Date(timeIntervalSince1970: 2_000_000_000))
        #expect(early < late)
        #expect(late.hasPrefix("01d1a94a-2000"))
    }
}
