import Catalog
import CatalogModel
import Foundation
import Logging
import Synchronization

/// The catalog's locations (SPEC §9): configured and registered ones, each read into its own
/// provider-owned set of entities (one full mutation per read, location key `url:<target>` or
/// `file:<path>`), read again on a schedule and on demand.
public final class LocationService: Sendable {
    /// Registers a location through the API, as `POST /locations` does.
    public struct Registration: Sendable {
        public var location: CatalogLocation
        /// The entities read (dry run) or applied.
        public var entities: [Entity]
        /// Whether the location was registered already (dry run only).
        public var exists: Bool
    }

    /// What a registration or removal could not do.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable { case invalid, exists, notFound, notAllowed }
        public var code: Code
        public var message: String
        public var description: String { message }
    }

    private struct State {
        var locations: [CatalogLocation] = []
        var statuses: [String: LocationStatus] = [:]
        var parents: [String: [String: [String]]] = [:]
    }

    private let configured: [CatalogLocation]
    private let store: (any LocationStore)?
    private let reader: LocationTreeReader
    private let connection: @Sendable (String) -> any EntityProviderConnection
    private let readonly: Bool
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - configured: `catalog.locations`.
    ///   - store: where registered locations are kept; nil refuses registration.
    ///   - connection: the catalog connection of a provider by name (`CatalogEngine.connection(for:)`).
    ///   - readonly: `catalog.readonly`: refuse registration and removal.
    public init(configured: [CatalogLocation], store: (any LocationStore)?, reader: LocationTreeReader,
                readonly: Bool = false, logger: Logger,
                connection: @escaping @Sendable (String) -> any EntityProviderConnection) {
        self.configured = configured
        self.store = store
        self.reader = reader
        self.readonly = readonly
        self.logger = logger
        self.connection = connection
    }

    /// Loads the registered locations and returns one provider per location, to start the
    /// catalog with (so that their entities are not taken for an orphaned provider's).
    public func load() async throws -> [any EntityProvider] {
        try await reloadRegistered()
        return state.withLock { $0.locations }.map { LocationProvider(name: $0.providerName) }
    }

    /// Reads the registered locations from the store again: on a shared database another
    /// instance may have registered or removed some.
    public func reload() async throws {
        try await reloadRegistered()
    }

    /// Every location: configured ones first, then registered ones, oldest first.
    public func locations() -> [CatalogLocation] {
        state.withLock { $0.locations }
    }

    public func location(id: String) -> CatalogLocation? {
        state.withLock { $0.locations.first { $0.id == id } }
    }

    /// The location whose key is `key` (an entity's `managed-by-origin-location`).
    public func location(key: String) -> CatalogLocation? {
        state.withLock { $0.locations.first { $0.key == key } }
    }

    public func status(id: String) -> LocationStatus? {
        state.withLock { $0.statuses[id] }
    }

    /// The refs of the `Location` entities that emitted `ref`, as the last reads saw them.
    public func parents(of ref: String) -> [String] {
        state.withLock { state in state.parents.values.flatMap { $0[ref] ?? [] } }
    }

    /// Reads every location again (the scheduled refresh); failures are recorded, not thrown.
    public func readAll() async {
        do {
            try await reloadRegistered()
        } catch {
            logger.warning("Could not load the registered locations", metadata: ["error": "\(error)"])
        }
        let all = locations()
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for location in all {
                if running == 4 {
                    await group.next()
                    running -= 1
                }
                group.addTask { _ = await self.read(location) }
                running += 1
            }
        }
    }

    /// Reads one location and applies its entities; returns them, or nil when the read failed
    /// (its entities are then left as they were and the error is kept in its status).
    @discardableResult
    public func read(_ location: CatalogLocation) async -> [Entity]? {
        let now = Date().formatted(.iso8601)
        do {
            let tree = try await reader.read(location)
            let result = try await connection(location.providerName).applyMutation(.full(tree.entities))
            let rejected = result.rejected.map { "\($0.entityRef ?? "?"): \($0.errors.joined(separator: "; "))" }
            state.withLock { state in
                var status = state.statuses[location.id] ?? LocationStatus()
                status.lastReadAt = now
                status.lastSuccessAt = now
                status.lastError = nil
                status.entityCount = tree.entities.count - result.rejected.count
                status.problems = tree.problems + rejected
                state.statuses[location.id] = status
                state.parents[location.id] = tree.parents
            }
            logger.debug("Location read", metadata: [
                "location": "\(location.key)", "files": "\(tree.files)", "entities": "\(tree.entities.count)",
                "added": "\(result.added)", "updated": "\(result.updated)", "removed": "\(result.removed)",
            ])
            for problem in (tree.problems + rejected).prefix(5) {
                logger.warning("Location problem", metadata: ["location": "\(location.key)", "problem": "\(problem)"])
            }
            return tree.entities.map(\.entity)
        } catch {
            let message = (error as? LocationReadError)?.message ?? "\(location.key) could not be applied: \(error)"
            state.withLock { state in
                var status = state.statuses[location.id] ?? LocationStatus()
                status.lastReadAt = now
                status.lastError = message
                state.statuses[location.id] = status
            }
            logger.warning("Location could not be read", metadata: ["location": "\(location.key)", "error": "\(message)"])
            return nil
        }
    }

    /// Reads the location an entity came from again (`POST /refresh`); false when the entity
    /// did not come from a location.
    public func refresh(originKey: String) async -> Bool {
        guard let location = location(key: originKey) else { return false }
        await read(location)
        return true
    }

    /// Registers a `url` location (`POST /locations`); with `dryRun`, only reads it.
    public func register(type: String, target: String, dryRun: Bool) async throws -> Registration {
        guard type == CatalogLocation.Kind.url.rawValue else {
            throw Refusal(code: .invalid, message: "Registered locations must be of an allowed type [url], got '\(type)'")
        }
        guard LocationTarget.isHTTPURL(target) else {
            throw Refusal(code: .invalid, message: "The location target must be an absolute http(s) URL, got '\(target)'")
        }
        let key = "url:\(target)"
        let existing = location(key: key)
        if dryRun {
            let candidate = existing ?? CatalogLocation(id: UUID().uuidString.lowercased(), kind: .url, target: target,
                                                        origin: .registered)
            let tree = try await reader.read(candidate)
            return Registration(location: candidate, entities: tree.entities.map(\.entity), exists: existing != nil)
        }
        guard !readonly else { throw Refusal(code: .notAllowed, message: "This catalog is read-only (catalog.readonly)") }
        guard let store else { throw Refusal(code: .notAllowed, message: "This catalog cannot register locations") }
        guard existing == nil, let stored = try await store.addLocation(type: type, target: target) else {
            throw Refusal(code: .exists, message: "Location \(key) already exists")
        }
        let location = CatalogLocation(id: stored.id, kind: .url, target: stored.target, origin: .registered)
        state.withLock { $0.locations.append(location) }
        logger.info("Location registered", metadata: ["location": "\(key)", "location.id": "\(location.id)"])
        let entities = await read(location) ?? []
        return Registration(location: location, entities: entities, exists: false)
    }

    /// Removes a registered location and its entities (`DELETE /locations/{id}`).
    public func remove(id: String) async throws {
        guard let location = location(id: id) else {
            throw Refusal(code: .notFound, message: "Found no location with ID \(id)")
        }
        guard location.origin == .registered else {
            throw Refusal(code: .notAllowed, message: "Location \(location.key) comes from catalog.locations; remove it from the configuration")
        }
        guard !readonly else { throw Refusal(code: .notAllowed, message: "This catalog is read-only (catalog.readonly)") }
        _ = try await store?.removeLocation(id: id)
        state.withLock { state in
            state.locations.removeAll { $0.id == id }
            state.statuses[id] = nil
            state.parents[id] = nil
        }
        let result = try await connection(location.providerName).applyMutation(.full([]))
        logger.info("Location removed", metadata: [
            "location": "\(location.key)", "location.id": "\(id)", "entities.removed": "\(result.removed)",
        ])
    }

    /// Brings the in-memory list in line with the store (another instance may have changed it).
    private func reloadRegistered() async throws {
        let registered = try await store?.locations() ?? []
        let configured = self.configured
        let configuredKeys = Set(configured.map(\.key))
        let fromStore = registered.compactMap { stored -> CatalogLocation? in
            guard let kind = CatalogLocation.Kind(rawValue: stored.type) else { return nil }
            let location = CatalogLocation(id: stored.id, kind: kind, target: stored.target, origin: .registered)
            return configuredKeys.contains(location.key) ? nil : location
        }
        state.withLock { $0.locations = configured + fromStore }
    }
}

/// The provider that owns one location's entities; the ``LocationService`` applies its mutations.
struct LocationProvider: EntityProvider {
    let name: String
    func connect(_ connection: any EntityProviderConnection) async throws {}
}

extension LocationService {
    /// The `backstage.io/managed-by-origin-location` of a served entity's JSON, if any.
    public static func originKey(ofEntityJSON bytes: [UInt8]) -> String? {
        (try? JSONParser.parse(bytes))?["metadata"]?["annotations"]?[EntityPreparer.managedByOriginLocation]?.stringValue
    }
}
