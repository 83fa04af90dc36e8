import Foundation

/// Resolving the targets a `Location` entity names against the file it was read from.
public enum LocationTarget {
    /// `path` made absolute against the working directory and standardised (`.`, `..` removed).
    public static func absolutePath(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
            ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (absolute as NSString).standardizingPath
    }

    /// Whether `text` is an absolute http(s) URL with a host.
    public static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { return false }
        return scheme == "http" || scheme == "https"
    }

    /// Resolves `target` (of type `kind`) named in a file read from `base` (of type `baseKind`).
    ///
    /// A URL location may only lead to other URLs: a remote file must never make the server
    /// read its own disk. A file location may lead to files (relative to its directory) and URLs.
    static func resolve(_ target: String, kind: CatalogLocation.Kind, from base: String,
                        baseKind: CatalogLocation.Kind) -> Result<String, LocationReadError> {
        switch (baseKind, kind) {
        case (.url, .file):
            return .failure(LocationReadError(.invalid, "a url location cannot lead to the file target '\(target)'"))
        case (.url, .url):
            guard let baseURL = URL(string: base), let resolved = URL(string: target, relativeTo: baseURL)?.absoluteURL,
                  isHTTPURL(resolved.absoluteString)
            else {
                return .failure(LocationReadError(.invalid, "the target '\(target)' is not a valid http(s) URL"))
            }
            return .success(resolved.absoluteString)
        case (.file, .url):
            guard isHTTPURL(target) else {
                return .failure(LocationReadError(.invalid, "the target '\(target)' is not an absolute http(s) URL"))
            }
            return .success(target)
        case (.file, .file):
            if target.hasPrefix("/") { return .success((target as NSString).standardizingPath) }
            let directory = (base as NSString).deletingLastPathComponent
            return .success(((directory as NSString).appendingPathComponent(target) as NSString).standardizingPath)
        }
    }
}
