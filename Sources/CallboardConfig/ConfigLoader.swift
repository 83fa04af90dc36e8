import CatalogModel
import Foundation

/// The result of ``ConfigLoader/loadWithWarnings(files:environment:)``.
public struct LoadedConfig: Sendable, Hashable {
    /// The merged, substituted configuration tree (always an object).
    public var root: JSONValue
    /// One line per value that was dropped because it referred to an unset environment variable
    /// in a section Callboard does not read (see ``ConfigLoader``).
    public var warnings: [String]

    public init(root: JSONValue, warnings: [String] = []) {
        self.root = root
        self.warnings = warnings
    }
}

/// Loads configuration files the way Backstage does.
///
/// 1. Each file is parsed as YAML (``ConfigYAML``); its top level must be a mapping (an empty
///    file counts as `{}`). Backstage's file directives are resolved relative to the file:
///    `{ $file: path }` becomes the file's text, `{ $include: path }` the parsed YAML or JSON file.
/// 2. The files are deep-merged in order, later files win: objects merge key by key, arrays and
///    scalars (null included) replace.
/// 3. `${VAR}` in string values is replaced by the environment variable (several per string are
///    fine, `${ VAR }` too); `$${VAR}` stands for a literal `${VAR}`. `{ $env: VAR }` is replaced
///    by the variable's value. Substitution happens after merging, so a later file can override a
///    value whose variable is not set.
///
/// An unset variable is an error naming the key (`missingVariable`) in the sections Callboard
/// and its modules read: `backend.baseUrl`, `backend.listen`, `backend.database`,
/// `backend.reading`, `backend.auth`, `backend.shutdownGrace`, `events`, `catalog` and
/// `integrations`. Elsewhere (a shared Backstage app-config's `app`, `auth`, `techdocs`, …) the
/// value is dropped, as Backstage drops it, and a warning is returned instead.
public enum ConfigLoader {
    /// Loads, merges and substitutes `files`. See ``ConfigLoader``.
    ///
    /// - Throws: ``ConfigError`` with code `missingFile`, `syntax` or `missingVariable`.
    public static func load(files: [String], environment: [String: String]) throws(ConfigError) -> JSONValue {
        try loadWithWarnings(files: files, environment: environment).root
    }

    /// Like ``load(files:environment:)``, and also returns the warnings about dropped values.
    public static func loadWithWarnings(
        files: [String], environment: [String: String]
    ) throws(ConfigError) -> LoadedConfig {
        var merged: JSONValue = .object([:])
        for file in files {
            let tree = try loadFile(file)
            merged = merge(merged, tree)
        }
        return try substitute(merged, environment: environment)
    }

    /// Parses one configuration file and resolves its `$file` and `$include` directives.
    ///
    /// - Throws: ``ConfigError`` with code `missingFile` or `syntax`, naming the file.
    public static func loadFile(_ path: String) throws(ConfigError) -> JSONValue {
        let text = try readText(path, purpose: "configuration file")
        let tree = try ConfigYAML.parse(text, file: path)
        switch tree {
        case .null:
            return .object([:])
        case .object:
            let directory = (path as NSString).deletingLastPathComponent
            return try resolveDirectives(tree, path: [], baseDirectory: directory, file: path, depth: 0)
        default:
            throw ConfigError(
                code: .syntax,
                message: "\(path): the top level must be a mapping of keys, found a \(tree.typeName)"
            )
        }
    }

    /// Deep-merges `override` into `base` by Backstage's rule: objects merge key by key, and any
    /// other value (array, scalar, null) in `override` replaces the one in `base`.
    public static func merge(_ base: JSONValue, _ override: JSONValue) -> JSONValue {
        guard case .object(var baseMembers) = base, case .object(let overrideMembers) = override else {
            return override
        }
        for (key, value) in overrideMembers {
            if let existing = baseMembers[key] {
                baseMembers[key] = merge(existing, value)
            } else {
                baseMembers[key] = value
            }
        }
        return .object(baseMembers)
    }

    /// Replaces `${VAR}` references and `{ $env: VAR }` objects in `root`. See ``ConfigLoader``.
    ///
    /// - Throws: ``ConfigError`` with code `missingVariable` naming the key and the variable.
    public static func substitute(
        _ root: JSONValue, environment: [String: String]
    ) throws(ConfigError) -> LoadedConfig {
        var warnings: [String] = []
        let result = try substitute(root, path: [], environment: environment, warnings: &warnings)
        return LoadedConfig(root: result ?? .object([:]), warnings: warnings)
    }

    /// Whether an unset variable at `path` is an error (true) or drops the value (false).
    static func variablesRequired(at path: [ConfigPathComponent]) -> Bool {
        guard case .key(let top)? = path.first else { return true }
        switch top {
        case "events", "catalog", "integrations":
            return true
        case "backend":
            guard path.count > 1, case .key(let second) = path[1] else { return true }
            return ["baseUrl", "listen", "database", "reading", "auth", "shutdownGrace"].contains(second)
        default:
            return false
        }
    }

    // MARK: - Private

    private static func readText(_ path: String, purpose: String, key: String? = nil) throws(ConfigError) -> String {
        let prefix = key.map { "\($0): " } ?? ""
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(code: .missingFile, message: "\(prefix)\(purpose) \(path) does not exist", keyPath: key)
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(code: .missingFile, message: "\(prefix)\(purpose) \(path) is a directory", keyPath: key)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(code: .missingFile, message: "\(prefix)\(purpose) \(path) cannot be read", keyPath: key)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(code: .syntax, message: "\(prefix)\(path): the file is not valid UTF-8", keyPath: key)
        }
        return text
    }

    private static func resolve(_ target: String, against directory: String) -> String {
        if target.hasPrefix("/") || directory.isEmpty { return target }
        return (directory as NSString).appendingPathComponent(target)
    }

    private static func resolveDirectives(
        _ value: JSONValue, path: [ConfigPathComponent], baseDirectory: String, file: String, depth: Int
    ) throws(ConfigError) -> JSONValue {
        switch value {
        case .object(let members):
            if members.count == 1, let (directive, argument) = members.first,
                directive == "$file" || directive == "$include"
            {
                let key = path.rendered
                guard case .string(let target) = argument, !target.isEmpty else {
                    throw ConfigError(
                        code: .invalidValue, keyPath: key, problem: "\(directive) expects a file path (in \(file))"
                    )
                }
                let resolved = resolve(target, against: baseDirectory)
                if directive == "$file" {
                    return .string(try readText(resolved, purpose: "file", key: key))
                }
                guard depth < 16 else {
                    throw ConfigError(code: .invalidValue, keyPath: key, problem: "$include nested too deeply (in \(file))")
                }
                let text = try readText(resolved, purpose: "included file", key: key)
                let included = try ConfigYAML.parse(text, file: resolved)
                return try resolveDirectives(
                    included, path: path, baseDirectory: (resolved as NSString).deletingLastPathComponent,
                    file: resolved, depth: depth + 1
                )
            }
            var result: [String: JSONValue] = [:]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                result[key] = try resolveDirectives(
                    member, path: path + [.key(key)], baseDirectory: baseDirectory, file: file, depth: depth
                )
            }
            return .object(result)
        case .array(let elements):
            var result: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                result.append(
                    try resolveDirectives(
                        element, path: path + [.index(index)], baseDirectory: baseDirectory, file: file, depth: depth
                    )
                )
            }
            return .array(result)
        default:
            return value
        }
    }

    /// Returns nil when the value is dropped (unset variable outside the required sections).
    private static func substitute(
        _ value: JSONValue, path: [ConfigPathComponent], environment: [String: String], warnings: inout [String]
    ) throws(ConfigError) -> JSONValue? {
        func missing(_ name: String) throws(ConfigError) -> JSONValue? {
            let key = path.rendered
            if variablesRequired(at: path) {
                throw ConfigError(code: .missingVariable, keyPath: key, problem: "environment variable \(name) is not set")
            }
            warnings.append("\(key): environment variable \(name) is not set; the value is ignored")
            return nil
        }
        switch value {
        case .string(let text):
            switch substituteVariables(in: text, environment: environment) {
            case .success(let substituted): return .string(substituted)
            case .failure(let unset): return try missing(unset.name)
            }
        case .object(let members):
            if members.count == 1, case .string(let name)? = members["$env"] {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let resolved = environment[trimmed] else { return try missing(trimmed) }
                return .string(resolved)
            }
            var result: [String: JSONValue] = [:]
            // Sorted, so that the first error and the warnings come in a stable order.
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let substituted = try substitute(
                    member, path: path + [.key(key)], environment: environment, warnings: &warnings
                ) {
                    result[key] = substituted
                }
            }
            return .object(result)
        case .array(let elements):
            var result: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                if let substituted = try substitute(
                    element, path: path + [.index(index)], environment: environment, warnings: &warnings
                ) {
                    result.append(substituted)
                }
            }
            return .array(result)
        default:
            return value
        }
    }

    struct UnsetVariable: Error {
        var name: String
    }

    /// Replaces `${VAR}` references in `text`, following Backstage's pattern `\$?\$\{([^{}]*)\}`:
    /// `$${…}` is an escape for the literal `${…}`, an unterminated `${` stays as written.
    static func substituteVariables(in text: String, environment: [String: String]) -> Result<String, UnsetVariable> {
        guard text.contains("${") else { return .success(text) }
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "$" else {
                output.append(character)
                index += 1
                continue
            }
            let escaped = index + 1 < characters.count && characters[index + 1] == "$"
            let open = escaped ? index + 2 : index + 1
            guard open + 1 <= characters.count, open < characters.count, characters[open] == "{" else {
                output.append(character)
                index += 1
                continue
            }
            // Find the closing brace; another brace inside means this is not a reference.
            var close = open + 1
            while close < characters.count, characters[close] != "}", characters[close] != "{" {
                close += 1
            }
            guard close < characters.count, characters[close] == "}" else {
                output.append(character)
                index += 1
                continue
            }
            let inner = String(characters[(open + 1)..<close])
            if escaped {
                output += "${\(inner)}"
            } else {
                let name = inner.trimmingCharacters(in: .whitespaces)
                guard let resolved = environment[name] else { return .failure(UnsetVariable(name: name)) }
                output += resolved
            }
            index = close + 1
        }
        return .success(output)
    }
}
