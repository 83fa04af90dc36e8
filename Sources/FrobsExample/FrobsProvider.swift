import Catalog
import Events
import Logging
import Scheduler
import Synchronization
import UrlReader

/// Where one Frobs environment's data lives: `url` (full sync, `{env}`) and `eventUrl`
/// (per event, `{id}`; a modify also reads `{eventUrl}/previous-state`).
public struct FrobsEndpoints: Sendable, Hashable {
    public var url: String
    public var eventUrl: String

    public init(url: String, eventUrl: String) {
        self.url = url
        self.eventUrl = eventUrl
    }
}

/// The guide's `FrobsProvider`: entities of one Frobs environment, kept current by `frobs.add`,
/// `frobs.delete` and `frobs.modify` events (delta mutations) and by a scheduled full sync.
///
/// As in the guide, it takes its environment, a URL reader, a task runner and an optional events
/// service; it subscribes in ``connect(_:)`` and ``run()`` does the full sync.
public final class FrobsProvider: EntityProvider {
    /// The sub-topics the provider reads (the `FrobsEventRouter` publishes them).
    public static let topics = ["frobs.add", "frobs.delete", "frobs.modify"]

    public let environment: String
    public let endpoints: FrobsEndpoints
    private let reader: any UrlReaderService
    private let taskRunner: any TaskRunner
    private let events: (any EventsService)?
    private let logger: Logger
    private let connection = Mutex<(any EntityProviderConnection)?>(nil)

    public init(environment: String, endpoints: FrobsEndpoints, reader: any UrlReaderService,
                taskRunner: any TaskRunner, events: (any EventsService)? = nil,
                logger: Logger = Logger(label: "callboard.frobs")) {
        self.environment = environment
        self.endpoints = endpoints
        self.reader = reader
        self.taskRunner = taskRunner
        self.events = events
        self.logger = logger
    }

    /// `frobs-<env>`: the provider name, its subscriber id and its full-sync task id.
    public var name: String { "frobs-\(environment)" }

    /// Every entity this provider writes carries this location key, in deltas and full syncs alike.
    public var locationKey: String { "frobs-provider:\(environment)" }

    public func connect(_ connection: any EntityProviderConnection) async throws {
        self.connection.withLock { $0 = connection }
        try await events?.subscribe(id: name, topics: Self.topics) { [self] params in
            try await self.handle(params)
        }
        try await taskRunner.run(id: name) { [self] in
            try await self.run()
        }
    }

    /// The full sync: reads `url` for this environment and replaces everything the provider owns.
    /// An upstream that pages its data (`"next"` in each page) is streamed page by page into one
    /// full mutation, so a large environment never sits in memory whole; a page that cannot be
    /// read fails the whole sync and changes nothing.
    public func run() async throws {
        let connection = try connected()
        let first = URLTemplate.expand(endpoints.url, ["env": environment])
        let counter = FrobCounter()
        let pages = FrobPages(first: first, reader: reader, environment: environment, locationKey: locationKey,
                              maxPages: Self.maxPages, counter: counter)
        let result = try await connection.applyMutation(.full(streaming: pages))
        logger.info("Frobs full sync applied", metadata: [
            "provider": "\(name)", "frobs": "\(counter.total)", "added": "\(result.added)",
            "updated": "\(result.updated)", "removed": "\(result.removed)", "rejected": "\(result.rejected.count)",
        ])
    }

    /// At most this many pages per full sync: a `next` chain that never ends is an upstream bug.
    static let maxPages = 100_000

    /// Reacts to one `frobs.<type>` event (SPEC §7). A read failure other than a delete's 404
    /// throws, so the events system retries and, in the end, dead-letters the event.
    func handle(_ params: EventParams) async throws {
        let connection = try connected()
        guard let id = Self.sourceID(params.eventPayload["id"]) else {
            // No retry can fix a malformed event: say so and let it go.
            logger.warning("Frobs event without a usable id; ignored", metadata: [
                "provider": "\(name)", "event.topic": "\(params.topic)",
            ])
            return
        }
        let url = URLTemplate.expand(endpoints.eventUrl, ["id": id])
        let mutation: EntityProviderMutation
        switch params.topic {
        case "frobs.add":
            mutation = .delta(added: deferred(try await read(url)), removed: [])
        case "frobs.delete":
            let frobs: [Frob]
            do {
                frobs = try await read(url)
            } catch let error as UrlReaderError where error.code == .notFound {
                logger.info("Frobs source is gone upstream; nothing left to remove", metadata: [
                    "provider": "\(name)", "frobs.id": "\(id)",
                ])
                return
            }
            mutation = .delta(added: [], removed: removals(frobs))
        case "frobs.modify":
            let current = try await read(url)
            let previous: [Frob]
            do {
                previous = try await read(url + "/previous-state")
            } catch let error as UrlReaderError where error.code == .notFound {
                previous = []
            }
            mutation = .delta(added: deferred(current), removed: removals(previous))
        default:
            return
        }
        let result = try await connection.applyMutation(mutation)
        logger.info("Frobs event applied", metadata: [
            "provider": "\(name)", "event.topic": "\(params.topic)", "frobs.id": "\(id)",
            "added": "\(result.added)", "updated": "\(result.updated)", "removed": "\(result.removed)",
            "rejected": "\(result.rejected.count)",
        ])
    }

    private func connected() throws -> any EntityProviderConnection {
        guard let connection = connection.withLock({ $0 }) else {
            throw FrobsDataError(message: "FrobsProvider \(name) is not connected to the catalog yet")
        }
        return connection
    }

    private func read(_ url: String) async throws -> [Frob] {
        let response = try await reader.readUrl(url)
        return try FrobsData.decode(response.bytes)
    }

    private func deferred(_ frobs: [Frob]) -> [DeferredEntity] {
        frobs.map { DeferredEntity(entity: $0.entity(environment: environment), locationKey: locationKey) }
    }

    private func removals(_ frobs: [Frob]) -> [EntityRemoval] {
        frobs.map { EntityRemoval(entityRef: "component:default/\($0.name)", locationKey: locationKey) }
    }

    /// The event's `id`: a non-empty string, or an integer written out.
    static func sourceID(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: return text.isEmpty ? nil : text
        case .int(let number)?: return String(number)
        default: return nil
        }
    }
}
