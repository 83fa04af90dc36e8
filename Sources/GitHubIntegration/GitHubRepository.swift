import CatalogModel

/// What Callboard reads of a repository (REST list entries and webhook payloads alike).
public struct GitHubRepository: Sendable, Hashable {
    public var name: String
    /// The owner's login (the organisation or user).
    public var owner: String
    public var defaultBranch: String?
    public var archived: Bool

    public init(name: String, owner: String, defaultBranch: String? = nil, archived: Bool = false) {
        self.name = name
        self.owner = owner
        self.defaultBranch = defaultBranch
        self.archived = archived
    }

    /// Reads a repository object; nil when it has no name or owner.
    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue,
              let owner = json["owner"]?["login"]?.stringValue ?? json["owner"]?["name"]?.stringValue
                ?? json["full_name"]?.stringValue?.split(separator: "/").first.map(String.init)
        else { return nil }
        self.init(name: name, owner: owner, defaultBranch: json["default_branch"]?.stringValue,
                  archived: json["archived"] == .bool(true))
    }
}
