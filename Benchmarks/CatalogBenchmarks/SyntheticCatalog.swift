import Catalog

/// A deterministic synthetic catalog of `Component` entities shaped like Backstage's example
/// components (`Tests/Fixtures/entities/artist-lookup-component.yaml`, `petstore-component.yaml`):
/// name, title, description, 3 labels, 2 annotations, 3 tags, `spec.type`, `spec.lifecycle`,
/// `spec.owner` (one of ``groupCount`` groups), `spec.system` (one of ``systemCount`` systems) and
/// 2 `spec.dependsOn` naming other generated components.
///
/// That is 28 filter index rows per entity (with the two `managed-by` annotations and the uid the
/// catalog adds) and 4 emitted relations (`ownedBy`, `partOf`, 2 × `dependsOn`), plus their 4
/// inverses. The same `index` and `revision` always give the same entity; a higher `revision`
/// changes the description and one label, so the entity's content hash changes while its ref,
/// relations and most index rows stay.
struct SyntheticCatalog: Sendable {
    static let groupCount = 50
    static let systemCount = 200

    static let types = ["service", "website", "library"]
    static let lifecycles = ["production", "production", "experimental", "deprecated"]
    static let tiers = ["frontend", "backend", "data", "platform"]
    static let regions = ["eu-west-1", "us-east-1", "ap-south-1"]
    static let tagPool = [
        "java", "go", "python", "typescript", "rust", "kotlin", "data", "web", "grpc", "rest",
        "kafka", "postgres", "redis", "internal", "external", "critical", "batch", "ml", "legacy", "experimental",
    ]

    /// How many components the catalog has.
    let count: Int

    init(count: Int) {
        precondition(count >= 3, "a synthetic catalog needs at least 3 components")
        self.count = count
    }

    static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    func componentName(_ index: Int) -> String { "component-\(Self.padded(index, width: 6))" }
    static func groupName(_ index: Int) -> String { "team-\(padded(index, width: 2))" }
    static func systemName(_ index: Int) -> String { "system-\(padded(index, width: 3))" }

    /// The lower-case ref of component `index`, as the catalog stores it.
    func ref(_ index: Int) -> String { "component:default/\(componentName(index))" }

    /// The two components `index` depends on: distinct, and never itself.
    func dependencies(of index: Int) -> (Int, Int) {
        var first = (index &* 7 &+ 1) % count
        if first == index { first = (first + 1) % count }
        var second = (index &* 13 &+ 5) % count
        while second == first || second == index { second = (second + 1) % count }
        return (first, second)
    }

    /// Component `index` at `revision`.
    func entity(_ index: Int, revision: Int = 0) -> Entity {
        let name = componentName(index)
        let system = index % Self.systemCount
        let owner = system % Self.groupCount
        let (firstDependency, secondDependency) = dependencies(of: index)
        var description = "Synthetic \(Self.types[index % 3]) \(index) of \(Self.systemName(system)), "
            + "owned by \(Self.groupName(owner)). It exists to load the catalog in benchmarks."
        if revision > 0 { description += " Revision \(revision)." }
        let tags = [0, 7, 13].map { Self.tagPool[(index + $0) % Self.tagPool.count] }
        return Entity(
            apiVersion: "backstage.io/v1alpha1",
            kind: "Component",
            metadata: EntityMetadata(
                name: name,
                title: "Component \(index)",
                description: description,
                labels: [
                    "callboard.dev/tier": Self.tiers[index % Self.tiers.count],
                    "callboard.dev/region": Self.regions[index % Self.regions.count],
                    "callboard.dev/revision": "r\(revision)",
                ],
                annotations: [
                    "backstage.io/source-location": "url:https://github.com/example/\(name)/",
                    "github.com/project-slug": "example/\(name)",
                ],
                tags: tags
            ),
            spec: [
                "type": .string(Self.types[index % Self.types.count]),
                "lifecycle": .string(Self.lifecycles[index % Self.lifecycles.count]),
                "owner": .string(Self.groupName(owner)),
                "system": .string(Self.systemName(system)),
                "dependsOn": .array([
                    .string("component:\(componentName(firstDependency))"),
                    .string("component:\(componentName(secondDependency))"),
                ]),
            ]
        )
    }

    /// The location key a provider would send component `index` with.
    func locationKey(_ index: Int) -> String {
        "url:https://github.com/example/\(componentName(index))/blob/main/catalog-info.yaml"
    }

    func deferred(_ index: Int, revision: Int = 0) -> DeferredEntity {
        DeferredEntity(entity: entity(index, revision: revision), locationKey: locationKey(index))
    }

    /// The whole catalog at revision 0.
    func entities() -> [DeferredEntity] {
        (0..<count).map { deferred($0) }
    }

    /// The indices a "1 % changed" mutation modifies: every 100th component.
    func onePercent() -> StrideTo<Int> {
        stride(from: 0, to: count, by: 100)
    }

    /// `base` (the whole catalog) with every index in `changed` replaced by its `revision`.
    func replacing(_ changed: some Sequence<Int>, in base: [DeferredEntity], revision: Int) -> [DeferredEntity] {
        var entities = base
        for index in changed { entities[index] = deferred(index, revision: revision) }
        return entities
    }
}
