import Foundation

/// A file URL as GitHub shows it: `https://<host>/<owner>/<repo>/blob/<ref>/<path>`.
public struct GitHubBlobURL: Sendable, Hashable {
    public var host: String
    public var owner: String
    public var repository: String
    /// The branch, tag or commit; a branch with `/` in its name cannot be told from the path, so
    /// the first segment is taken, as Backstage does.
    public var ref: String
    public var path: String

    public init(host: String, owner: String, repository: String, ref: String, path: String) {
        self.host = host.lowercased()
        self.owner = owner
        self.repository = repository
        self.ref = ref
        self.path = path.hasPrefix("/") ? String(path.dropFirst()) : path
    }

    /// Parses `url`; nil when it is not a blob URL or its path steps out of the repository.
    public init?(_ url: String) {
        guard let parsed = URL(string: url), let host = parsed.host, let scheme = parsed.scheme?.lowercased(),
              scheme == "https" || scheme == "http"
        else { return nil }
        let segments = parsed.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard segments.count >= 5, segments[2] == "blob", !segments.contains(".."), !segments.contains(".") else { return nil }
        self.init(host: parsed.port.map { "\(host):\($0)" } ?? host, owner: segments[0], repository: segments[1],
                  ref: segments[3], path: segments[4...].joined(separator: "/"))
    }

    /// The URL back, as `https://host/owner/repo/blob/ref/path`.
    public var url: String { "https://\(host)/\(owner)/\(repository)/blob/\(ref)/\(path)" }

    /// GitHub's editor for the file (`/edit/` in place of `/blob/`).
    public var editURL: String { "https://\(host)/\(owner)/\(repository)/edit/\(ref)/\(path)" }
}
