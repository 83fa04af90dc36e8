import CallboardConfig
import CatalogModel
import Foundation

/// A temporary directory holding YAML fixtures written from inline strings.
struct FixtureDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("callboard-config-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true
        )
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Loads inline YAML documents as consecutive config files.
func loadYAML(_ documents: [String], environment: [String: String] = [:]) throws -> JSONValue {
    let directory = try FixtureDirectory()
    defer { directory.remove() }
    var files: [String] = []
    for (index, document) in documents.enumerated() {
        files.append(try directory.write("app-config-\(index).yaml", document))
    }
    return try ConfigLoader.load(files: files, environment: environment)
}

/// Parses one YAML text (no files).
func parseYAML(_ text: String) throws -> JSONValue {
    try ConfigYAML.parse(text, file: "test.yaml")
}

/// Builds the typed configuration from YAML text.
func configuration(_ yaml: String, environment: [String: String] = [:]) throws -> CallboardConfiguration {
    try CallboardConfiguration(root: try loadYAML([yaml], environment: environment))
}

/// The error thrown by `body`, or nil.
func configError<T>(_ body: () throws -> T) -> ConfigError? {
    do {
        _ = try body()
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        return ConfigError(code: .invalidValue, message: "unexpected error type: \(error)")
    }
}
