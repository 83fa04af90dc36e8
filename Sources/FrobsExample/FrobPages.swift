import Catalog
import Synchronization
import UrlReader

/// A Frobs environment's data as a stream of catalog entities, read page by page: the first page
/// at `first`, then each page's `"next"` URL until a page has none. A page is read only when the
/// catalog has taken the previous one, so a full sync of any size holds about one page in memory.
struct FrobPages: AsyncSequence, Sendable {
    typealias Element = DeferredEntity

    let first: String
    let reader: any UrlReaderService
    let environment: String
    let locationKey: String
    /// At most this many pages: a `next` chain that never ends is an upstream bug, not data.
    let maxPages: Int
    /// Frobs read so far, for the sync's log line.
    let counter: FrobCounter

    struct AsyncIterator: AsyncIteratorProtocol {
        let pages: FrobPages
        var pending: [Frob] = []
        var index = 0
        var next: String?
        var pagesRead = 0

        init(_ pages: FrobPages) {
            self.pages = pages
            self.next = pages.first
        }

        mutating func next() async throws -> DeferredEntity? {
            while index == pending.count {
                guard let url = next else { return nil }
                guard pagesRead < pages.maxPages else {
                    throw FrobsDataError(message: "the Frobs data has more than \(pages.maxPages) pages")
                }
                let page = try FrobsData.decodePage(try await pages.reader.readUrl(url).bytes)
                pagesRead += 1
                pages.counter.add(page.frobs.count)
                pending = page.frobs
                index = 0
                next = page.next
            }
            let frob = pending[index]
            index += 1
            return DeferredEntity(entity: frob.entity(environment: pages.environment), locationKey: pages.locationKey)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(self) }
}

/// A count shared between the page reader and the sync that logs it.
final class FrobCounter: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ count: Int) { value.add(count, ordering: .relaxed) }
    var total: Int { value.load(ordering: .relaxed) }
}
