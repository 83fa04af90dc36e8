/// A relation between two entities as derived from a spec field: `source` —type→ `target`.
public struct DerivedRelation: Sendable, Hashable {
    public var source: EntityRef
    public var type: String
    public var target: EntityRef

    public init(source: EntityRef, type: String, target: EntityRef) {
        self.source = source
        self.type = type
        self.target = target
    }
}

/// Derives relations from built-in kinds' spec fields (Backstage's BuiltinKindsEntityProcessor).
public enum RelationDerivation {
    /// One spec field that names other entities, and the relations it yields.
    struct FieldRule: Sendable {
        /// The spec member: a reference string or an array of them.
        let field: String
        /// The relation from this entity to each target.
        let forward: String
        /// The relation from each target back to this entity.
        let inverse: String
        /// The kind of a target that names none; without one such targets are skipped.
        let defaultKind: String?
    }

    static let owner = FieldRule(
        field: "owner", forward: RelationType.ownedBy, inverse: RelationType.ownerOf, defaultKind: "Group")
    static let system = FieldRule(
        field: "system", forward: RelationType.partOf, inverse: RelationType.hasPart, defaultKind: "System")
    static let dependsOn = FieldRule(
        field: "dependsOn", forward: RelationType.dependsOn, inverse: RelationType.dependencyOf, defaultKind: nil)
    static let dependencyOf = FieldRule(
        field: "dependencyOf", forward: RelationType.dependencyOf, inverse: RelationType.dependsOn, defaultKind: nil)

    static let componentRules: [FieldRule] = [
        owner,
        FieldRule(field: "subcomponentOf", forward: RelationType.partOf, inverse: RelationType.hasPart,
                  defaultKind: "Component"),
        FieldRule(field: "providesApis", forward: RelationType.providesApi, inverse: RelationType.apiProvidedBy,
                  defaultKind: "API"),
        FieldRule(field: "consumesApis", forward: RelationType.consumesApi, inverse: RelationType.apiConsumedBy,
                  defaultKind: "API"),
        dependsOn,
        dependencyOf,
        system,
    ]
    static let apiRules: [FieldRule] = [owner, system]
    static let resourceRules: [FieldRule] = [owner, dependsOn, dependencyOf, system]
    static let systemRules: [FieldRule] = [
        owner,
        FieldRule(field: "domain", forward: RelationType.partOf, inverse: RelationType.hasPart, defaultKind: "Domain"),
    ]
    static let domainRules: [FieldRule] = [
        owner,
        FieldRule(field: "subdomainOf", forward: RelationType.partOf, inverse: RelationType.hasPart,
                  defaultKind: "Domain"),
    ]
    static let userRules: [FieldRule] = [
        FieldRule(field: "memberOf", forward: RelationType.memberOf, inverse: RelationType.hasMember,
                  defaultKind: "Group"),
    ]
    static let groupRules: [FieldRule] = [
        FieldRule(field: "parent", forward: RelationType.childOf, inverse: RelationType.parentOf, defaultKind: "Group"),
        FieldRule(field: "children", forward: RelationType.parentOf, inverse: RelationType.childOf,
                  defaultKind: "Group"),
        FieldRule(field: "members", forward: RelationType.hasMember, inverse: RelationType.memberOf,
                  defaultKind: "User"),
    ]

    /// The reference fields of a built-in kind, in the order Backstage emits them.
    static func rules(for kind: BuiltinKind) -> [FieldRule] {
        switch kind {
        case .component: return componentRules
        case .api: return apiRules
        case .resource: return resourceRules
        case .system: return systemRules
        case .domain: return domainRules
        case .user: return userRules
        case .group: return groupRules
        case .location: return []
        }
    }

    /// Both directions of every relation the entity's spec names.
    ///
    /// Each target yields `entity —forward→ target` and `target —inverse→ entity`. A target
    /// without a kind gets the field's default kind, and one without a namespace gets the
    /// entity's namespace. Fields may hold a string or an array of strings; anything else, and
    /// targets that cannot be parsed (or need a kind the field does not default), are skipped.
    /// Only built-in kinds (matched case-insensitively) have relations derived; the result has
    /// no duplicates (references compare case-insensitively) and keeps first-seen order.
    public static func derive(from entity: Entity) -> [DerivedRelation] {
        guard let kind = BuiltinKind(kind: entity.kind), let spec = entity.spec, !spec.isEmpty else { return [] }
        let selfRef = entity.ref
        let selfKey = selfRef.description
        var relations: [DerivedRelation] = []
        // Deduplicates on the stringified target, computed once per target: hashing EntityRefs
        // directly lower-cases all their parts on every hash and comparison.
        var seen = DedupSet()
        for rule in rules(for: kind) {
            guard let value = spec[rule.field] else { continue }
            forEachTarget(in: value) { target in
                guard
                    let targetRef = try? EntityRef(
                        parsing: target, defaultKind: rule.defaultKind, defaultNamespace: selfRef.namespace)
                else { return }
                let targetKey = targetRef.description
                // A relation of the entity to itself reads the same in both directions.
                let isSelf = targetKey == selfKey
                if seen.insert(DedupKey(outgoing: true, type: rule.forward, other: targetKey)) {
                    relations.append(DerivedRelation(source: selfRef, type: rule.forward, target: targetRef))
                }
                if seen.insert(DedupKey(outgoing: isSelf, type: rule.inverse, other: targetKey)) {
                    relations.append(DerivedRelation(source: targetRef, type: rule.inverse, target: selfRef))
                }
            }
        }
        return relations
    }

    /// A derived relation of one entity: `outgoing` ones go from the entity to `other`, the
    /// others from `other` to the entity.
    private struct DedupKey: Hashable {
        let outgoing: Bool
        let type: String
        let other: String
    }

    /// The keys seen so far: a linear scan while there are few (the usual case), a hash set after.
    private struct DedupSet {
        private var small: [DedupKey] = []
        private var large: Set<DedupKey>?

        /// Adds `key`; false when it was already there.
        mutating func insert(_ key: DedupKey) -> Bool {
            if large != nil { return large!.insert(key).inserted }
            if small.contains(key) { return false }
            small.append(key)
            if small.count > 32 {
                large = Set(small)
                small = []
            }
            return true
        }
    }

    private static func forEachTarget(in value: JSONValue, _ body: (String) -> Void) {
        switch value {
        case .string(let target):
            body(target)
        case .array(let items):
            for case .string(let target) in items { body(target) }
        default:
            break
        }
    }
}
