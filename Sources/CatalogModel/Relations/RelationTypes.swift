/// The relation types of Backstage's catalog model (`kinds/relations.ts`).
public enum RelationType {
    /// An ownership relation where the owner is usually an organizational entity (user or
    /// group), and the other entity can be anything.
    public static let ownedBy = "ownedBy"
    /// The inverse of ``ownedBy``.
    public static let ownerOf = "ownerOf"

    /// A relation with an API entity, typically from a component.
    public static let consumesApi = "consumesApi"
    /// The inverse of ``consumesApi``.
    public static let apiConsumedBy = "apiConsumedBy"

    /// A relation with an API entity, typically from a component.
    public static let providesApi = "providesApi"
    /// The inverse of ``providesApi``.
    public static let apiProvidedBy = "apiProvidedBy"

    /// A relation denoting a dependency on another entity.
    public static let dependsOn = "dependsOn"
    /// The inverse of ``dependsOn``.
    public static let dependencyOf = "dependencyOf"

    /// A parent/child relation to build up a tree, used for example to describe the
    /// organizational structure between groups.
    public static let parentOf = "parentOf"
    /// The inverse of ``parentOf``.
    public static let childOf = "childOf"

    /// A membership relation, typically for users in a group.
    public static let memberOf = "memberOf"
    /// The inverse of ``memberOf``.
    public static let hasMember = "hasMember"

    /// A part/whole relation, typically for components in a system and systems in a domain.
    public static let partOf = "partOf"
    /// The inverse of ``partOf``.
    public static let hasPart = "hasPart"
}

/// A relation type and its inverse: `a —forward→ b` holds exactly when `b —inverse→ a` does.
public struct RelationPair: Sendable, Hashable {
    public var forward: String
    public var inverse: String

    public init(forward: String, inverse: String) {
        self.forward = forward
        self.inverse = inverse
    }
}

/// The table of relation pairs.
public enum RelationPairs {
    /// Every pair, in Backstage's order.
    public static let all: [RelationPair] = [
        RelationPair(forward: RelationType.ownedBy, inverse: RelationType.ownerOf),
        RelationPair(forward: RelationType.consumesApi, inverse: RelationType.apiConsumedBy),
        RelationPair(forward: RelationType.providesApi, inverse: RelationType.apiProvidedBy),
        RelationPair(forward: RelationType.dependsOn, inverse: RelationType.dependencyOf),
        RelationPair(forward: RelationType.parentOf, inverse: RelationType.childOf),
        RelationPair(forward: RelationType.memberOf, inverse: RelationType.hasMember),
        RelationPair(forward: RelationType.partOf, inverse: RelationType.hasPart),
    ]

    private static let inverses: [String: String] = {
        var map: [String: String] = [:]
        for pair in all {
            map[pair.forward] = pair.inverse
            map[pair.inverse] = pair.forward
        }
        return map
    }()

    /// The inverse of `type` (in either direction of a pair), or nil for a type outside the
    /// table. Types are matched exactly, as Backstage does.
    public static func inverse(of type: String) -> String? {
        inverses[type]
    }
}
