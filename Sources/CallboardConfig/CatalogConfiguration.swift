import CatalogModel

extension CallboardConfiguration {
    /// `catalog`: providers, static locations and catalog behaviour.
    public struct Catalog: Sendable, Hashable {
        /// `catalog.providers`, by provider family (`frobs`, `github`, …), unvalidated: each
        /// family's module reads and validates its own subtree.
        public var providers: [String: ConfigReader]
        /// `catalog.locations`, in order.
        public var locations: [Location]
        /// `catalog.locationRefresh`: how often configured locations are read again; default 30 min.
        public var locationRefresh: Duration
        /// `catalog.readonly`: refuse location registration and entity deletion through the API.
        public var readonly: Bool

        public static let defaultLocationRefresh: Duration = .seconds(30 * 60)

        static let backstageKeys: Set<String> = [
            "rules", "processingInterval", "orphanStrategy", "stitchingStrategy", "import", "processors",
            "useUrlReadersSearch", "disableRelationsCompatibility",
        ]

        public init(
            providers: [String: ConfigReader] = [:],
            locations: [Location] = [],
            locationRefresh: Duration = Catalog.defaultLocationRefresh,
            readonly: Bool = false
        ) {
            self.providers = providers
            self.locations = locations
            self.locationRefresh = locationRefresh
            self.readonly = readonly
        }

        /// The subtree of provider family `family` (`catalog.providers.<family>`), if configured.
        public func provider(_ family: String) -> ConfigReader? {
            providers[family]
        }

        init(reader: ConfigReader, ignored: inout IgnoredKeys) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try ignored.check(
                reader,
                allowed: ["providers", "locations", "locationRefresh", "readonly", "orphanProviderStrategy"],
                backstage: Self.backstageKeys
            )
            providers = try reader.members("providers")
            for entry in try reader.optionalArray("locations") ?? [] {
                locations.append(try Location(reader: entry))
            }
            locationRefresh = try reader.optionalDuration("locationRefresh", allowZero: false) ?? Self.defaultLocationRefresh
            readonly = try reader.optionalBool("readonly") ?? false
            // Callboard always removes the entities of providers that are no longer configured.
            _ = try reader.optionalOneOf("orphanProviderStrategy", ["delete"])
        }
    }

    /// A `catalog.locations` entry: `{ type: url | file, target, rules? }`.
    public struct Location: Sendable, Hashable {
        /// The location type.
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case url
            case file
        }

        public var kind: Kind
        /// An http(s) URL for `url`, a path for `file` (relative to the working directory).
        public var target: String
        /// Kinds allowed from this location (`rules: [{ allow: [Component, API] }]`); nil = the defaults.
        public var allowedKinds: [String]?

        public init(kind: Kind, target: String, allowedKinds: [String]? = nil) {
            self.kind = kind
            self.target = target
            self.allowedKinds = allowedKinds
        }

        init(reader: ConfigReader) throws(ConfigError) {
            _ = try reader.asObject()
            try reader.expectOnly(["type", "target", "rules"])
            let kind = Kind(rawValue: try reader.oneOf("type", Kind.allCases.map(\.rawValue))) ?? .url
            let target = try reader.string("target")
            if kind == .url, !isHTTPURL(target) {
                throw reader.child("target").invalid(expected: "an http:// or https:// URL")
            }
            var allowed: [String]?
            if let rules = try reader.optionalArray("rules") {
                var kinds: [String] = []
                for rule in rules {
                    _ = try rule.asObject()
                    try rule.expectOnly(["allow"])
                    kinds += try rule.stringList("allow")
                }
                allowed = kinds
            }
            self.init(kind: kind, target: target, allowedKinds: allowed)
        }
    }
}
