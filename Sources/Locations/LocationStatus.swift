import CatalogModel

/// What the last reads of one location did, for `GET /locations` and operators.
public struct LocationStatus: Sendable, Hashable {
    /// When the last read finished (ISO 8601), nil before the first.
    public var lastReadAt: String?
    /// When a read last applied its entities.
    public var lastSuccessAt: String?
    /// Why the last read failed; nil when it succeeded.
    public var lastError: String?
    /// Entities the last successful read applied (the generated `Location` entity included).
    public var entityCount = 0
    /// Documents skipped, nested targets missing and entities rejected by validation.
    public var problems: [String] = []

    public init() {}

    public var json: JSONValue {
        [
            "lastReadAt": lastReadAt.map(JSONValue.string) ?? .null,
            "lastSuccessAt": lastSuccessAt.map(JSONValue.string) ?? .null,
            "lastError": lastError.map(JSONValue.string) ?? .null,
            "entityCount": .int(Int64(entityCount)),
            "problems": .array(problems.map(JSONValue.string)),
        ]
    }
}
