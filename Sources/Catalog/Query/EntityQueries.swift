/// A sort key for entity listings.
public struct EntityOrder: Sendable, Hashable, Codable {
    /// A field path such as `metadata.name`, lower-case.
    public var field: String
    public var descending: Bool

    public init(field: String, descending: Bool = false) {
        self.field = field.lowercased()
        self.descending = descending
    }
}

/// `GET /entities`: filter, order, offset/limit.
public struct EntitiesRequest: Sendable {
    public var filter: EntityFilter
    public var order: [EntityOrder]
    public var offset: Int
    public var limit: Int?

    public init(filter: EntityFilter = EntityFilter(), order: [EntityOrder] = [], offset: Int = 0, limit: Int? = nil) {
        self.filter = filter
        self.order = order
        self.offset = offset
        self.limit = limit
    }
}

/// A page of served entities (canonical JSON bytes each).
public struct EntitiesPage: Sendable {
    public var entities: [[UInt8]]
    /// True when more entities follow this page.
    public var hasMore: Bool

    public init(entities: [[UInt8]], hasMore: Bool) {
        self.entities = entities
        self.hasMore = hasMore
    }
}

/// `GET /entities/by-query`: keyset pagination on one order field, then uid.
public struct QueryEntitiesRequest: Sendable, Hashable, Codable {
    public var filter: EntityFilter
    /// The field to sort on; `metadata.uid` when nil.
    public var orderField: EntityOrder?
    public var fullTextTerm: String?
    public var fullTextFields: [String]
    public var limit: Int
    /// Where the page starts: after (or, going back, before) this position.
    public var position: KeysetPosition?
    public var offset: Int

    public init(filter: EntityFilter = EntityFilter(), orderField: EntityOrder? = nil, fullTextTerm: String? = nil,
                fullTextFields: [String] = [], limit: Int = 20, position: KeysetPosition? = nil, offset: Int = 0) {
        self.filter = filter
        self.orderField = orderField
        self.fullTextTerm = fullTextTerm
        self.fullTextFields = fullTextFields
        self.limit = limit
        self.position = position
        self.offset = offset
    }
}

/// A position in a keyset-ordered listing: the sort value (nil sorts last) and uid of an entity.
public struct KeysetPosition: Sendable, Hashable, Codable {
    public var value: String?
    public var uid: String
    /// True to read the page before this position (previous page).
    public var backwards: Bool

    public init(value: String?, uid: String, backwards: Bool) {
        self.value = value
        self.uid = uid
        self.backwards = backwards
    }
}

/// One entity of a keyset listing, with its position.
public struct KeysetRow: Sendable {
    public var json: [UInt8]
    public var position: KeysetPosition

    public init(json: [UInt8], position: KeysetPosition) {
        self.json = json
        self.position = position
    }
}

/// A facet value and how many entities have it.
public struct FacetCount: Sendable, Hashable, Codable {
    public var value: String
    public var count: Int

    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}
