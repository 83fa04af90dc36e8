/// An entity after validation and processing, ready for the store to write.
public struct PreparedEntity: Sendable {
    /// `kind:namespace/name`, lower-case.
    public var ref: String
    public var locationKey: String?
    /// Hash of what the provider sent (entity and location key): equal hashes mean nothing to do.
    public var inputHash: String
    /// The processed entity without `uid`, `etag` and `relations`.
    public var entity: Entity
    /// The canonical JSON text of ``entity`` (see ``Stitcher/processedJSON(of:)``).
    public var processedJSON: [UInt8]
    /// Offset of the closing brace of `metadata` in ``processedJSON``.
    public var metadataEnd: Int
    /// Relations this entity emits, in both directions (the source of an inverse is the target).
    public var relations: [StoredRelation]
    /// Index rows for filters, facets and ordering (relations excluded: they have their own table).
    public var searchRows: [SearchRow]
    public var refreshKeys: [String]

    public init(ref: String, locationKey: String?, inputHash: String, entity: Entity, processedJSON: [UInt8],
                metadataEnd: Int, relations: [StoredRelation], searchRows: [SearchRow], refreshKeys: [String]) {
        self.ref = ref
        self.locationKey = locationKey
        self.inputHash = inputHash
        self.entity = entity
        self.processedJSON = processedJSON
        self.metadataEnd = metadataEnd
        self.relations = relations
        self.searchRows = searchRows
        self.refreshKeys = refreshKeys
    }
}

/// A relation row: `sourceRef` —type→ `targetRef`, refs lower-case.
public struct StoredRelation: Sendable, Hashable, Comparable {
    public var sourceRef: String
    public var type: String
    public var targetRef: String

    public init(sourceRef: String, type: String, targetRef: String) {
        self.sourceRef = sourceRef
        self.type = type
        self.targetRef = targetRef
    }

    public static func < (lhs: StoredRelation, rhs: StoredRelation) -> Bool {
        (lhs.sourceRef, lhs.type, lhs.targetRef) < (rhs.sourceRef, rhs.type, rhs.targetRef)
    }
}

/// One filterable leaf of an entity: lower-cased key and value, and the value as written.
///
/// `value` is nil when the original is longer than ``SearchRow/maxValueLength``: such a field
/// still answers an existence filter but cannot be matched by value (as in Backstage).
public struct SearchRow: Sendable, Hashable {
    public static let maxKeyLength = 200
    public static let maxValueLength = 200

    public var key: String
    public var value: String?
    public var originalValue: String?

    public init(key: String, value: String?, originalValue: String?) {
        self.key = key
        self.value = value
        self.originalValue = originalValue
    }
}
