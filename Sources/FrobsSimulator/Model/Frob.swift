/// One frob as the Frobs service describes it (SPEC §7):
/// `{"name","owner","lifecycle"?,"title"?,"description"?,"system"?,"tags"?}`.
///
/// The simulator checks only the shape (strings where strings belong); the content is served as
/// given, so tests can also feed Callboard frobs that its validation must reject.
public struct Frob: Codable, Sendable, Hashable {
    /// Becomes the entity's `metadata.name`.
    public var name: String
    /// Becomes `spec.owner`.
    public var owner: String
    /// Becomes `spec.lifecycle` (Callboard defaults it to `experimental`).
    public var lifecycle: String?
    public var title: String?
    public var description: String?
    /// Becomes `spec.system`.
    public var system: String?
    public var tags: [String]?

    /// A frob; everything but `name` and `owner` is optional.
    public init(
        name: String, owner: String, lifecycle: String? = nil, title: String? = nil,
        description: String? = nil, system: String? = nil, tags: [String]? = nil
    ) {
        self.name = name
        self.owner = owner
        self.lifecycle = lifecycle
        self.title = title
        self.description = description
        self.system = system
        self.tags = tags
    }
}

/// The Frobs data document: `{"frobs":[…]}`, both what the data URLs serve and what
/// `PUT /sources/{id}` takes.
struct FrobsDocument: Codable, Sendable, Equatable {
    var frobs: [Frob]
}
