/// A catalog entity: Backstage's envelope (`apiVersion`, `kind`, `metadata`, `spec`, `relations`,
/// `status`).
///
/// Unknown `metadata` members and all of `spec` and `status` are kept as they came, so an entity
/// survives a round trip through the catalog unchanged.
public struct Entity: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var metadata: EntityMetadata
    /// The kind-specific body; any JSON object.
    public var spec: [String: JSONValue]?
    /// Relations, as served by the catalog; ignored on input.
    public var relations: [EntityRelation]?
    /// Status items, as served by the catalog.
    public var status: JSONValue?

    public init(
        apiVersion: String,
        kind: String,
        metadata: EntityMetadata,
        spec: [String: JSONValue]? = nil,
        relations: [EntityRelation]? = nil,
        status: JSONValue? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.relations = relations
        self.status = status
    }

    /// This entity's reference, with the namespace defaulted to `default`.
    public var ref: EntityRef {
        EntityRef(kind: kind, namespace: metadata.namespace ?? EntityRef.defaultNamespace, name: metadata.name)
    }
}

/// An entity's `metadata`.
public struct EntityMetadata: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var uid: String?
    public var etag: String?
    public var title: String?
    public var description: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var tags: [String]?
    public var links: [EntityLink]?
    /// Members Callboard does not interpret, kept as they came.
    public var additional: [String: JSONValue]

    public init(
        name: String,
        namespace: String? = nil,
        uid: String? = nil,
        etag: String? = nil,
        title: String? = nil,
        description: String? = nil,
        labels: [String: String]? = nil,
        annotations: [String: String]? = nil,
        tags: [String]? = nil,
        links: [EntityLink]? = nil,
        additional: [String: JSONValue] = [:]
    ) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.etag = etag
        self.title = title
        self.description = description
        self.labels = labels
        self.annotations = annotations
        self.tags = tags
        self.links = links
        self.additional = additional
    }
}

/// One of `metadata.links`.
public struct EntityLink: Sendable, Hashable {
    public var url: String
    public var title: String?
    public var icon: String?
    public var type: String?
    /// Members Callboard does not interpret, kept as they came.
    public var additional: [String: JSONValue]

    public init(url: String, title: String? = nil, icon: String? = nil, type: String? = nil,
                additional: [String: JSONValue] = [:]) {
        self.url = url
        self.title = title
        self.icon = icon
        self.type = type
        self.additional = additional
    }
}

/// A relation as served on an entity: `{type, targetRef}`.
public struct EntityRelation: Sendable, Hashable, Comparable {
    public var type: String
    /// The target's reference, stringified lower-case.
    public var targetRef: String

    public init(type: String, targetRef: String) {
        self.type = type
        self.targetRef = targetRef
    }

    public static func < (lhs: EntityRelation, rhs: EntityRelation) -> Bool {
        (lhs.type, lhs.targetRef) < (rhs.type, rhs.targetRef)
    }
}
