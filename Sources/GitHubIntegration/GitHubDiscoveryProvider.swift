import Catalog
import Events
import Locations
import Logging
import Scheduler
import Synchronization
import UrlReader

/// Backstage's GitHub discovery provider, event-driven (SPEC §9): a scheduled full sync reads
/// `catalogPath` from every matching repository of the organisation, and routed GitHub events
/// (`github.push`, `github.repository`) change the affected repository at once with a delta.
///
/// Each discovered file is read like a location (`Location` targets followed); its entities
/// carry the location key and origin `url:https://<host>/<owner>/<repo>/blob/<branch>/<path>`.
public final class GitHubDiscoveryProvider: EntityProvider {
    /// The routed topics the provider reads (the `GitHubEventRouter` publishes them).
    public static let topics = ["github.push", "github.repository"]

    public let config: GitHubDiscoveryConfig
    private let client: GitHubClient
    private let reader: LocationTreeReader
    private let taskRunner: any TaskRunner
    private let events: (any EventsService)?
    private let logger: Logger
    private let connection = Mutex<(any EntityProviderConnection)?>(nil)

    public init(config: GitHubDiscoveryConfig, client: GitHubClient, reader: LocationTreeReader,
                taskRunner: any TaskRunner, events: (any EventsService)?, logger: Logger) {
        self.config = config
        self.client = client
        self.reader = reader
        self.taskRunner = taskRunner
        self.events = events
        self.logger = logger
    }

    /// `github-provider:<id>`: the provider name, its subscriber id and its full-sync task id.
    public var name: String { "github-provider:\(config.id)" }

    public func connect(_ connection: any EntityProviderConnection) async throws {
        self.connection.withLock { $0 = connection }
        try await events?.subscribe(id: name, topics: Self.topics) { [self] params in
            try await self.handle(params)
        }
        try await taskRunner.run(id: name) { [self] in
            try await self.run()
        }
    }

    // MARK: - Full sync

    /// Lists the organisation's repositories and replaces everything the provider owns with the
    /// entities of their catalog files. A repository that has no catalog file contributes
    /// nothing; one whose file cannot be read now keeps the entities it had.
    public func run() async throws {
        let connection = try connected()
        let repositories = try await client.repositories(organization: config.organization)
            .filter { !$0.archived && config.matches(repository: $0.name) }
        var entities: [DeferredEntity] = []
        var failed: [String] = []
        try await withThrowingTaskGroup(of: (GitHubRepository, Result<LocationTree?, LocationReadError>).self) { group in
            var pending = repositories[...]
            func addNext() {
                guard let repository = pending.popFirst() else { return }
                group.addTask { [self] in (repository, await self.tree(of: repository)) }
            }
            for _ in 0..<4 { addNext() }
            while let (repository, outcome) = try await group.next() {
                addNext()
                switch outcome {
                case .success(let tree):
                    entities += tree?.entities ?? []
                case .failure(let error):
                    failed.append("\(repository.owner)/\(repository.name): \(error.message)")
                    entities += try await kept(target: target(of: repository))
                }
            }
        }
        let result = try await connection.applyMutation(.full(entities))
        logger.info("GitHub discovery full sync applied", metadata: [
            "provider": "\(name)", "repositories": "\(repositories.count)", "entities": "\(entities.count)",
            "added": "\(result.added)", "updated": "\(result.updated)", "removed": "\(result.removed)",
            "rejected": "\(result.rejected.count)", "failed": "\(failed.count)",
        ])
        for failure in failed.prefix(10) {
            logger.warning("GitHub repository could not be read; its entities are kept", metadata: [
                "provider": "\(name)", "error": "\(failure)",
            ])
        }
    }

    // MARK: - Events

    /// Reacts to one routed GitHub event. Read failures throw, so delivery retries them.
    func handle(_ params: EventParams) async throws {
        let payload = params.eventPayload
        guard let repository = payload["repository"].flatMap(GitHubRepository.init(json:)) else { return }
        switch params.topic {
        case "github.push":
            try await push(payload, repository: repository)
        case "github.repository":
            try await repositoryEvent(payload, repository: repository)
        default:
            return
        }
    }

    private func push(_ payload: JSONValue, repository: GitHubRepository) async throws {
        guard tracks(repository) else { return ignore("push to an untracked repository", repository) }
        let branch = self.branch(of: repository)
        guard payload["ref"]?.stringValue == "refs/heads/\(branch)" else {
            return ignore("push to a branch other than \(branch)", repository)
        }
        let target = self.target(of: repository)
        let existing = try await owned(target: target)
        // The catalog file, or a file an entity of this repository was read from (a Location target).
        let prefix = "url:https://\(config.host)/\(repository.owner)/\(repository.name)/blob/\(branch)/"
        var watched: Set<String> = [config.catalogPath]
        for entity in existing {
            if let file = entity.metadata.annotations?[EntityPreparer.managedByLocation], file.hasPrefix(prefix) {
                watched.insert(String(file.dropFirst(prefix.count)))
            }
        }
        let touched = Self.touchedPaths(payload)
        guard !watched.isDisjoint(with: touched) else { return ignore("push that does not touch the catalog files", repository) }
        try await replace(existing: existing, with: target, reason: "push", repository: repository)
    }

    private func repositoryEvent(_ payload: JSONValue, repository: GitHubRepository) async throws {
        let action = payload["action"]?.stringValue ?? ""
        switch action {
        case "deleted", "archived":
            guard ownerMatches(repository.owner) else { return ignore("\(action) of a repository outside the organisation", repository) }
            let target = target(of: repository)
            try await replace(existing: try await owned(target: target), with: nil, reason: action, repository: repository)
        case "renamed":
            guard let oldName = payload["changes"]?["repository"]?["name"]?["from"]?.stringValue else { return }
            var old = repository
            old.name = oldName
            let existing = ownerMatches(old.owner) ? try await owned(target: target(of: old)) : []
            try await replace(existing: existing, with: tracks(repository) ? target(of: repository) : nil,
                              reason: "renamed from \(oldName)", repository: repository)
        case "transferred":
            let from = payload["changes"]?["owner"]?["from"]
            let oldOwner = from?["organization"]?["login"]?.stringValue ?? from?["user"]?["login"]?.stringValue
            var old = repository
            if let oldOwner { old.owner = oldOwner }
            let existing = oldOwner.map(ownerMatches) == true ? try await owned(target: target(of: old)) : []
            try await replace(existing: existing, with: tracks(repository) ? target(of: repository) : nil,
                              reason: "transferred from \(oldOwner ?? "?")", repository: repository)
        case "created", "unarchived", "publicized":
            guard tracks(repository) else { return ignore("\(action) of an untracked repository", repository) }
            let target = target(of: repository)
            try await replace(existing: try await owned(target: target), with: target, reason: action, repository: repository)
        default:
            ignore("repository \(action)", repository)
        }
    }

    /// Removes `existing` and adds what `target` holds now (nothing when nil or when the file is
    /// gone), in one delta: refs in both keep their uid.
    private func replace(existing: [Entity], with target: String?, reason: String, repository: GitHubRepository) async throws {
        let connection = try connected()
        var added: [DeferredEntity] = []
        if let target {
            switch await tree(of: target) {
            case .success(let tree): added = tree?.entities ?? []
            case .failure(let error): throw error
            }
        }
        guard !added.isEmpty || !existing.isEmpty else { return ignore("\(reason): no catalog file", repository) }
        let result = try await connection.applyMutation(.delta(added: added, removed: existing.map(EntityRemoval.init)))
        logger.info("GitHub event applied", metadata: [
            "provider": "\(name)", "repository": "\(repository.owner)/\(repository.name)", "reason": "\(reason)",
            "added": "\(result.added)", "updated": "\(result.updated)", "removed": "\(result.removed)",
            "rejected": "\(result.rejected.count)",
        ])
    }

    // MARK: - Helpers

    /// The paths a push added, modified or removed.
    static func touchedPaths(_ payload: JSONValue) -> Set<String> {
        var commits = payload["commits"]?.arrayValue ?? []
        if let head = payload["head_commit"], !head.isNull { commits.append(head) }
        var paths = Set<String>()
        for commit in commits {
            for key in ["added", "modified", "removed"] {
                for path in commit[key]?.arrayValue ?? [] {
                    if let path = path.stringValue { paths.insert(path) }
                }
            }
        }
        return paths
    }

    private func ownerMatches(_ owner: String) -> Bool {
        owner.lowercased() == config.organization.lowercased()
    }

    private func tracks(_ repository: GitHubRepository) -> Bool {
        ownerMatches(repository.owner) && !repository.archived && config.matches(repository: repository.name)
    }

    private func branch(of repository: GitHubRepository) -> String {
        config.branch ?? repository.defaultBranch ?? "main"
    }

    /// The URL of the repository's catalog file.
    func target(of repository: GitHubRepository) -> String {
        GitHubBlobURL(host: config.host, owner: repository.owner, repository: repository.name,
                      ref: branch(of: repository), path: config.catalogPath).url
    }

    private func location(_ target: String) -> CatalogLocation {
        CatalogLocation(id: target, kind: .url, target: target, origin: .config)
    }

    /// The repository's file read as a location; nil when the repository has none.
    private func tree(of repository: GitHubRepository) async -> Result<LocationTree?, LocationReadError> {
        await tree(of: target(of: repository))
    }

    /// The file at `target` read as a location; nil when there is none.
    private func tree(of target: String) async -> Result<LocationTree?, LocationReadError> {
        do {
            return .success(try await reader.read(location(target)))
        } catch let error where error.code == .notFound {
            return .success(nil)
        } catch {
            return .failure(error)
        }
    }

    /// The entities read from `target` before.
    private func owned(target: String) async throws -> [Entity] {
        let filter = EntityFilter(anyOf: [.init(conditions: [
            .init(key: "metadata.annotations.\(EntityPreparer.managedByOriginLocation)", values: ["url:\(target)"]),
        ])])
        return try await connected().entities(matching: filter)
    }

    /// What `target` held, to apply again unchanged when it cannot be read now.
    private func kept(target: String) async throws -> [DeferredEntity] {
        try await owned(target: target).map { entity in
            var entity = entity
            entity.metadata.uid = nil
            entity.metadata.etag = nil
            entity.relations = nil
            return DeferredEntity(entity: entity, locationKey: "url:\(target)")
        }
    }

    private func ignore(_ what: String, _ repository: GitHubRepository) {
        logger.debug("GitHub event ignored", metadata: [
            "provider": "\(name)", "repository": "\(repository.owner)/\(repository.name)", "reason": "\(what)",
        ])
    }

    private func connected() throws -> any EntityProviderConnection {
        guard let connection = connection.withLock({ $0 }) else {
            throw GitHubDiscoveryError(message: "\(name) is not connected to the catalog yet")
        }
        return connection
    }
}

/// A discovery provider used before the catalog connected it.
struct GitHubDiscoveryError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
