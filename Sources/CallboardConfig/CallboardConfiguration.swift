import CatalogModel
import Foundation

/// The typed configuration of the sections Callboard owns: `backend` (`baseUrl`, `listen`,
/// `database`, `shutdownGrace`, `reading`, `auth`), `events` and `catalog`.
///
/// Parsing checks every value and rejects unknown keys in those sections with a one-line
/// ``ConfigError`` naming the full key. Everything else in the tree is left alone: other
/// top-level sections of a shared Backstage app-config (`app`, `techdocs`, `integrations`, …),
/// other `backend` keys (`cors`, `csp`, `cache`, …), the provider subtrees under
/// `catalog.providers` and the module subtrees under `events.modules` other than `github` and
/// `gitlab`, which belong to modules. A few Backstage keys inside the owned sections that
/// Callboard does not use (`backend.auth.keys`, `backend.database.knexConfig`,
/// `catalog.rules`, …) are accepted and listed in ``ignoredKeys`` so the server can log them.
public struct CallboardConfiguration: Sendable, Hashable {
    /// `backend.*`.
    public var backend: Backend
    /// `events.*`.
    public var events: Events
    /// `catalog.*`.
    public var catalog: Catalog
    /// The whole configuration tree, for modules and for sections read elsewhere (`integrations`).
    public var root: ConfigReader
    /// Full key paths of Backstage settings found in the owned sections that Callboard accepts
    /// but does not act on (`backend.auth.keys`, `catalog.rules`, …), sorted.
    public var ignoredKeys: [String]
    /// The loader's warnings (values dropped for unset variables outside Callboard's sections);
    /// filled by ``load(files:environment:)``, empty otherwise.
    public var warnings: [String] = []

    /// A configuration with every default (what an empty config file gives).
    public init(
        backend: Backend = Backend(),
        events: Events = Events(),
        catalog: Catalog = Catalog(),
        root: ConfigReader = ConfigReader(.object([:])),
        ignoredKeys: [String] = []
    ) {
        self.backend = backend
        self.events = events
        self.catalog = catalog
        self.root = root
        self.ignoredKeys = ignoredKeys
    }

    /// Loads `files` with ``ConfigLoader`` and reads the result: the usual way to start.
    ///
    /// - Throws: any ``ConfigError`` of loading or reading, one line naming the file or the key.
    public static func load(files: [String], environment: [String: String]) throws(ConfigError) -> CallboardConfiguration {
        let loaded = try ConfigLoader.loadWithWarnings(files: files, environment: environment)
        var configuration = try CallboardConfiguration(root: loaded.root)
        configuration.warnings = loaded.warnings
        return configuration
    }

    /// Reads and validates the owned sections of a loaded configuration tree.
    ///
    /// - Throws: ``ConfigError`` (`unknownKey`, `missingKey` or `invalidValue`) naming the full key.
    public init(root: JSONValue) throws(ConfigError) {
        let reader = ConfigReader(root)
        guard case .object = root else {
            throw ConfigError(code: .invalidValue, message: "the configuration must be an object, found a \(root.typeName)")
        }
        var ignored = IgnoredKeys()
        self.backend = try Backend(reader: reader.child("backend"), ignored: &ignored)
        self.events = try Events(reader: reader.child("events"), ignored: &ignored)
        self.catalog = try Catalog(reader: reader.child("catalog"), ignored: &ignored)
        self.root = reader
        self.ignoredKeys = ignored.paths.sorted()
    }
}

/// Collects Backstage keys that are accepted but not used.
struct IgnoredKeys {
    var paths: [String] = []

    /// Checks `reader`'s keys against `allowed`; keys in `backstage` are accepted and recorded.
    mutating func check(_ reader: ConfigReader, allowed: Set<String>, backstage: Set<String> = []) throws(ConfigError) {
        try reader.expectOnly(allowed.union(backstage))
        for key in reader.keys where backstage.contains(key) && reader.has(key) {
            paths.append(reader.keyPath(key))
        }
    }
}

// MARK: - backend

extension CallboardConfiguration {
    /// `backend`: where Callboard listens, stores, reads from and who may administer it.
    public struct Backend: Sendable, Hashable {
        /// `backend.baseUrl`: the external URL of this server, without a trailing slash; nil when
        /// not configured (the server then derives it from the address it listens on).
        public var baseUrl: String?
        /// `backend.listen`.
        public var listen: Listen
        /// `backend.database`.
        public var database: Database
        /// `backend.shutdownGrace`: how long in-flight requests and deliveries may finish after
        /// SIGTERM/SIGINT; default 10 s.
        public var shutdownGrace: Duration
        /// `backend.reading`.
        public var reading: Reading
        /// `backend.auth`.
        public var auth: Auth
        /// `backend.logging`: log format and level (see `LoggingConfiguration.swift`).
        public var logging: Logging = Logging()

        public static let defaultShutdownGrace: Duration = .seconds(10)

        public init(
            baseUrl: String? = nil,
            listen: Listen = Listen(),
            database: Database = .default,
            shutdownGrace: Duration = Backend.defaultShutdownGrace,
            reading: Reading = Reading(),
            auth: Auth = Auth()
        ) {
            self.baseUrl = baseUrl
            self.listen = listen
            self.database = database
            self.shutdownGrace = shutdownGrace
            self.reading = reading
            self.auth = auth
        }

        init(reader: ConfigReader, ignored: inout IgnoredKeys) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            // Other backend keys (cors, csp, cache, https, …) belong to Backstage and are ignored.
            if reader.has("baseUrl") {
                baseUrl = try Self.parseBaseURL(reader.child("baseUrl"))
            }
            listen = try Listen(reader: reader.child("listen"))
            database = try Database(reader: reader.child("database"), ignored: &ignored)
            shutdownGrace = try reader.optionalDuration("shutdownGrace") ?? Self.defaultShutdownGrace
            reading = try Reading(reader: reader.child("reading"))
            auth = try Auth(reader: reader.child("auth"), ignored: &ignored)
            logging = try Logging(reader: reader.child("logging"))
        }

        static func parseBaseURL(_ reader: ConfigReader) throws(ConfigError) -> String {
            let text = try reader.asString()
            guard isHTTPURL(text) else {
                throw reader.invalid(expected: "an http:// or https:// URL such as http://localhost:7007")
            }
            var trimmed = text
            while trimmed.hasSuffix("/") { trimmed.removeLast() }
            return trimmed
        }
    }

    /// `backend.listen`: `{ host, port }`, a bare port (`7007`), or a string `':7007'` /
    /// `'127.0.0.1:7007'` as Backstage accepts. Port 0 picks a free port.
    public struct Listen: Sendable, Hashable {
        /// The address to bind; default `0.0.0.0`.
        public var host: String
        /// The port, 0–65535; default 7007.
        public var port: Int

        public static let defaultHost = "0.0.0.0"
        public static let defaultPort = 7007

        public init(host: String = Listen.defaultHost, port: Int = Listen.defaultPort) {
            self.host = host
            self.port = port
        }

        init(reader: ConfigReader) throws(ConfigError) {
            self.init()
            switch reader.value {
            case .null:
                return
            case .int, .double:
                port = try reader.asInt(in: 0...65535)
            case .string(let text):
                let expected = "a port such as 7007, ':7007' or '127.0.0.1:7007', or { host, port }"
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                let hostPart: Substring
                let portPart: Substring
                if let colon = trimmed.lastIndex(of: ":") {
                    hostPart = trimmed[..<colon]
                    portPart = trimmed[trimmed.index(after: colon)...]
                } else {
                    hostPart = ""
                    portPart = Substring(trimmed)
                }
                guard let number = Int(portPart), (0...65535).contains(number) else {
                    throw reader.invalid(expected: expected)
                }
                port = number
                var hostText = String(hostPart)
                if hostText.hasPrefix("["), hostText.hasSuffix("]") {
                    hostText = String(hostText.dropFirst().dropLast())
                }
                if !hostText.isEmpty {
                    guard !hostText.contains(where: { $0 == " " || $0 == "/" }) else {
                        throw reader.invalid(expected: expected)
                    }
                    host = hostText
                }
            case .object:
                try reader.expectOnly(["host", "port"])
                host = try reader.optionalString("host") ?? Self.defaultHost
                port = try reader.optionalInt("port", in: 0...65535) ?? Self.defaultPort
            default:
                throw reader.invalid(expected: "{ host, port }, a port number or a ':port' string")
            }
        }
    }
}

// MARK: - backend.database

extension CallboardConfiguration {
    /// `backend.database`: SQLite (client `sqlite` or `better-sqlite3`) or PostgreSQL (client `pg`).
    public enum Database: Sendable, Hashable {
        /// SQLite, one database file per plugin (`catalog.sqlite`, `events.sqlite`, …) in a
        /// directory, or in memory.
        case sqlite(SQLiteStorage)
        /// PostgreSQL.
        case postgres(PostgresConnection)

        /// SQLite in `./data`: what Callboard uses without `backend.database`.
        public static let `default`: Database = .sqlite(.directory(defaultDirectory))
        public static let defaultDirectory = "./data"

        static let backstageKeys: Set<String> = [
            "prefix", "ensureExists", "ensureSchemaExists", "pluginDivisionMode", "plugin", "role",
            "skipMigrations", "knexConfig",
        ]

        init(reader: ConfigReader, ignored: inout IgnoredKeys) throws(ConfigError) {
            guard !reader.isNull else {
                self = .default
                return
            }
            _ = try reader.asObject()
            try ignored.check(reader, allowed: ["client", "connection"], backstage: Self.backstageKeys)
            let client = try reader.optionalOneOf("client", ["sqlite", "better-sqlite3", "sqlite3", "pg"]) ?? "sqlite"
            let connection = reader.child("connection")
            if client == "pg" {
                self = .postgres(try PostgresConnection(reader: try connection.required(expected: "a postgresql:// URL or { host, port, user, password, database }")))
            } else {
                self = .sqlite(try SQLiteStorage(reader: connection))
            }
        }
    }

    /// Where SQLite keeps its databases.
    public enum SQLiteStorage: Sendable, Hashable {
        /// One file per plugin in this directory (created when missing).
        case directory(String)
        /// In memory; nothing survives a restart.
        case inMemory

        init(reader: ConfigReader) throws(ConfigError) {
            let expected = "':memory:' or { directory: PATH } (Callboard keeps one SQLite file per plugin in a directory)"
            switch reader.value {
            case .null:
                self = .directory(CallboardConfiguration.Database.defaultDirectory)
            case .string(let text):
                guard text == ":memory:" else { throw reader.invalid(expected: expected) }
                self = .inMemory
            case .object:
                try reader.expectOnly(["directory", "filename"])
                if reader.has("directory") && reader.has("filename") {
                    throw reader.error("set either directory or filename, not both")
                }
                if let filename = try reader.optionalString("filename") {
                    guard filename == ":memory:" else {
                        throw reader.child("filename").invalid(
                            expected: "':memory:' (for files, use directory: PATH; Callboard keeps one SQLite file per plugin)"
                        )
                    }
                    self = .inMemory
                } else if let directory = try reader.optionalString("directory") {
                    self = directory == ":memory:" ? .inMemory : .directory(directory)
                } else {
                    throw reader.error("missing required value directory (or filename: ':memory:')", code: .missingKey)
                }
            default:
                throw reader.invalid(expected: expected)
            }
        }
    }

    /// A PostgreSQL connection, from a `postgresql://user:pass@host:port/db?opt=v` URL or a
    /// `{ host, port, user, password, database, ssl }` object. Printing it hides the password.
    public struct PostgresConnection: Sendable, Hashable, CustomStringConvertible {
        /// TLS settings of the object form (`ssl: true` or `{ rejectUnauthorized, ca }`).
        public struct SSL: Sendable, Hashable {
            /// Whether the server certificate must verify; default true.
            public var rejectUnauthorized: Bool
            /// PEM text of the CA certificate(s) to trust, when given.
            public var ca: String?

            public init(rejectUnauthorized: Bool = true, ca: String? = nil) {
                self.rejectUnauthorized = rejectUnauthorized
                self.ca = ca
            }
        }

        public var host: String
        /// Default 5432.
        public var port: Int
        public var user: String?
        public var password: ConfigSecret?
        public var database: String?
        /// TLS settings of the object form; nil for no `ssl` key or `ssl: false`.
        public var ssl: SSL?
        /// The URL's query parameters (`sslmode`, `application_name`, …).
        public var options: [String: String]

        public static let defaultPort = 5432

        public init(
            host: String = "localhost", port: Int = PostgresConnection.defaultPort, user: String? = nil,
            password: ConfigSecret? = nil, database: String? = nil, ssl: SSL? = nil, options: [String: String] = [:]
        ) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.database = database
            self.ssl = ssl
            self.options = options
        }

        public var description: String {
            var text = "postgresql://"
            if let user { text += user + (password == nil ? "" : ":\(ConfigRedaction.placeholder)") + "@" }
            text += host.contains(":") ? "[\(host)]" : host
            text += ":\(port)"
            if let database { text += "/\(database)" }
            return text
        }

        init(reader: ConfigReader) throws(ConfigError) {
            switch reader.value {
            case .string(let text):
                try self.init(url: text, reader: reader)
            case .object:
                try reader.expectOnly(["host", "port", "user", "password", "database", "ssl"])
                self.init(
                    host: try reader.optionalString("host") ?? "localhost",
                    port: try reader.optionalInt("port", in: 1...65535) ?? Self.defaultPort,
                    user: try reader.optionalString("user"),
                    password: try reader.optionalString("password", allowEmpty: true).map(ConfigSecret.init),
                    database: try reader.optionalString("database")
                )
                let ssl = reader.child("ssl")
                switch ssl.value {
                case .null, .bool(false): self.ssl = nil
                case .bool(true): self.ssl = SSL()
                case .object:
                    try ssl.expectOnly(["rejectUnauthorized", "ca"])
                    self.ssl = SSL(
                        rejectUnauthorized: try ssl.optionalBool("rejectUnauthorized") ?? true,
                        ca: try ssl.optionalString("ca")
                    )
                default:
                    self.ssl = try ssl.asBool() ? SSL() : nil
                }
            default:
                throw reader.invalid(expected: "a postgresql:// URL or { host, port, user, password, database }")
            }
        }

        private init(url text: String, reader: ConfigReader) throws(ConfigError) {
            // The URL may hold a password: never echo it.
            let problem = "expected a URL such as postgresql://user:password@host:5432/database"
            guard let components = URLComponents(string: text),
                let scheme = components.scheme?.lowercased(), scheme == "postgresql" || scheme == "postgres"
            else {
                throw reader.error(problem)
            }
            let port = components.port ?? Self.defaultPort
            guard (1...65535).contains(port) else { throw reader.error(problem + " (port out of range)") }
            var database = components.percentEncodedPath
            while database.hasPrefix("/") { database.removeFirst() }
            var options: [String: String] = [:]
            for item in components.queryItems ?? [] {
                options[item.name] = item.value ?? ""
            }
            let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? options["host"] ?? "localhost"
            self.init(
                host: host,
                port: port,
                user: components.user.flatMap { $0.isEmpty ? nil : $0 },
                password: components.password.map(ConfigSecret.init),
                database: database.isEmpty ? nil : (database.removingPercentEncoding ?? database),
                options: options
            )
        }
    }
}

// MARK: - backend.reading

extension CallboardConfiguration {
    /// `backend.reading`: which hosts the URL reader may fetch from.
    public struct Reading: Sendable, Hashable {
        /// `backend.reading.allow`, in order.
        public var allow: [ReadingAllowRule]

        public init(allow: [ReadingAllowRule] = []) {
            self.allow = allow
        }

        init(reader: ConfigReader) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try reader.expectOnly(["allow"])
            for entry in try reader.optionalArray("allow") ?? [] {
                allow.append(try ReadingAllowRule(reader: entry))
            }
        }
    }

    /// One `backend.reading.allow` entry: `{ host, paths? }`.
    ///
    /// `host` is an exact host name or `*.suffix`, optionally with `:port` or `:low-high`. As in
    /// Backstage: without a port only URLs without an explicit port match; with one, URLs without
    /// a port count as port 80 (http) or 443 (https). `paths` are prefixes of the URL path.
    public struct ReadingAllowRule: Sendable, Hashable {
        /// The host as written (`*.example.com:8000-9000`).
        public var pattern: String
        /// The host part, lower-cased, possibly starting with `*.`; IPv6 addresses without brackets.
        public var host: String
        /// The allowed ports; nil when the pattern names no port.
        public var ports: ClosedRange<Int>?
        /// Allowed path prefixes; empty means any path.
        public var paths: [String]

        public init(pattern: String, host: String, ports: ClosedRange<Int>? = nil, paths: [String] = []) {
            self.pattern = pattern
            self.host = host
            self.ports = ports
            self.paths = paths
        }

        init(reader: ConfigReader) throws(ConfigError) {
            _ = try reader.asObject()
            try reader.expectOnly(["host", "paths"])
            let hostReader = reader.child("host")
            let pattern = try reader.string("host")
            let expected = "a host such as example.com, *.example.com, example.com:8080 or 127.0.0.1:8000-9000"
            var hostPart = pattern
            var portPart: String?
            if pattern.hasPrefix("[") {
                guard let close = pattern.firstIndex(of: "]") else { throw hostReader.invalid(expected: expected) }
                hostPart = String(pattern[pattern.index(after: pattern.startIndex)..<close])
                let rest = pattern[pattern.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":") else { throw hostReader.invalid(expected: expected) }
                    portPart = String(rest.dropFirst())
                }
            } else if let colon = pattern.firstIndex(of: ":") {
                hostPart = String(pattern[..<colon])
                portPart = String(pattern[pattern.index(after: colon)...])
            }
            var ports: ClosedRange<Int>?
            if let portPart {
                let bounds = portPart.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count),
                    let low = Int(bounds[0]), (0...65535).contains(low),
                    let high = bounds.count == 2 ? Int(bounds[1]) : low, (low...65535).contains(high)
                else { throw hostReader.invalid(expected: expected) }
                ports = low...high
            }
            let name = hostPart.hasPrefix("*.") ? String(hostPart.dropFirst(2)) : hostPart
            let isIPv6 = pattern.hasPrefix("[")
            let validName = isIPv6
                ? name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
                : name.wholeMatch(of: #/[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_])?/#) != nil
            guard !name.isEmpty, validName else { throw hostReader.invalid(expected: expected) }
            var paths: [String] = []
            for entry in try reader.optionalArray("paths") ?? [] {
                let path = try entry.asString()
                guard path.hasPrefix("/") else { throw entry.invalid(expected: "a path starting with /") }
                paths.append(path)
            }
            self.init(pattern: pattern, host: hostPart.lowercased(), ports: ports, paths: paths)
        }
    }
}

// MARK: - backend.auth

extension CallboardConfiguration {
    /// `backend.auth`: bearer tokens for the admin and write routes.
    public struct Auth: Sendable, Hashable {
        /// `backend.auth.externalAccess`: when not empty, admin/write routes need one of these tokens.
        public var externalAccess: [StaticAccess]
        /// `backend.auth.protectReads`: catalog reads need a token too; default false.
        public var protectReads: Bool

        /// True when tokens are configured (admin routes are protected).
        public var isEnabled: Bool { !externalAccess.isEmpty }

        static let backstageKeys: Set<String> = [
            "keys", "dangerouslyDisableDefaultAuthPolicy", "pluginKeyStore", "omitIdentityTokenOwnershipClaim",
        ]

        public init(externalAccess: [StaticAccess] = [], protectReads: Bool = false) {
            self.externalAccess = externalAccess
            self.protectReads = protectReads
        }

        init(reader: ConfigReader, ignored: inout IgnoredKeys) throws(ConfigError) {
            self.init()
            guard !reader.isNull else { return }
            _ = try reader.asObject()
            try ignored.check(reader, allowed: ["externalAccess", "protectReads"], backstage: Self.backstageKeys)
            protectReads = try reader.optionalBool("protectReads") ?? false
            if let entries = try reader.optionalArray("externalAccess") {
                guard !entries.isEmpty else {
                    throw reader.child("externalAccess").error(
                        "expected at least one { type: static, options: { token, subject } } entry (remove the key to leave admin routes open)"
                    )
                }
                var seen: Set<String> = []
                for entry in entries {
                    let access = try StaticAccess(reader: entry)
                    guard seen.insert(access.token.value).inserted else {
                        throw entry.child("options").child("token").error("the same token is configured twice")
                    }
                    externalAccess.append(access)
                }
            }
            if protectReads && externalAccess.isEmpty {
                throw reader.child("protectReads").error("needs backend.auth.externalAccess tokens to be configured")
            }
        }
    }

    /// A `{ type: static, options: { token, subject } }` entry of `backend.auth.externalAccess`.
    public struct StaticAccess: Sendable, Hashable {
        /// The bearer token: at least 8 characters, no whitespace (Backstage's rule).
        public var token: ConfigSecret
        /// Who uses the token; logged, never the token.
        public var subject: String

        public init(token: ConfigSecret, subject: String) {
            self.token = token
            self.subject = subject
        }

        init(reader: ConfigReader) throws(ConfigError) {
            _ = try reader.asObject()
            try reader.expectOnly(["type", "options"])
            let type = reader.child("type")
            let typeName = try type.required(expected: "static").asString()
            guard typeName == "static" else {
                throw type.error("unsupported access type '\(typeName)' (Callboard supports static)")
            }
            let options = try reader.object("options")
            try options.expectOnly(["token", "subject"])
            let tokenReader = options.child("token")
            let token = try options.string("token")
            guard token.count >= 8, !token.contains(where: \.isWhitespace) else {
                throw tokenReader.error("a token must be at least 8 characters long and contain no whitespace")
            }
            let subjectReader = options.child("subject")
            let subject = try options.string("subject")
            guard !subject.contains(where: \.isWhitespace) else {
                throw subjectReader.invalid(expected: "a subject without whitespace")
            }
            self.init(token: ConfigSecret(token), subject: subject)
        }
    }
}
