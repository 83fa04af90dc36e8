import Foundation
import Locations
import Synchronization
import UrlReader

/// Reads GitHub blob URLs of configured integrations through the REST API (with the token),
/// and everything else through `fallback`.
///
/// It keeps the etag and bytes of recent files: a read without an etag of its own sends the kept
/// one, and GitHub's 304 (which does not count against the rate limit) returns the kept bytes.
public final class GitHubUrlReader: UrlReaderService {
    /// Files whose etag and bytes are kept.
    public static let cacheEntries = 2000

    private let clients: [String: GitHubClient]
    private let fallback: any UrlReaderService
    private let cache = Mutex<(entries: [String: ReadUrlResponse], order: [String])>(([:], []))

    public init(clients: [GitHubClient], fallback: any UrlReaderService) {
        var byHost: [String: GitHubClient] = [:]
        for client in clients { byHost[client.integration.host] = client }
        self.clients = byHost
        self.fallback = fallback
    }

    /// The integration client for `host`, if one is configured.
    public func client(host: String) -> GitHubClient? {
        clients[host.lowercased()]
    }

    public func readUrl(_ url: String, etag: String?, lastModifiedAfter: Date?) async throws -> ReadUrlResponse {
        guard let blob = GitHubBlobURL(url), let client = clients[blob.host] else {
            return try await fallback.readUrl(url, etag: etag, lastModifiedAfter: lastModifiedAfter)
        }
        let kept = etag == nil ? cache.withLock { $0.entries[url] } : nil
        do {
            let response = try await client.file(
                owner: blob.owner, repository: blob.repository, path: blob.path, ref: blob.ref, etag: etag ?? kept?.etag)
            if response.etag != nil { keep(url, response) }
            return response
        } catch let error as UrlReaderError where error.code == .notModified {
            if let kept { return kept }
            throw error
        }
    }

    private func keep(_ url: String, _ response: ReadUrlResponse) {
        cache.withLock { cache in
            if cache.entries.updateValue(response, forKey: url) == nil {
                cache.order.append(url)
                if cache.order.count > Self.cacheEntries {
                    cache.entries[cache.order.removeFirst()] = nil
                }
            }
        }
    }

    /// Backstage's source annotations for a URL: `view-url` and `source-location` for any, plus
    /// `edit-url` and `github.com/project-slug` for files of a configured GitHub host.
    public var annotator: SourceAnnotator {
        let hosts = Set(clients.keys)
        return { url in
            var annotations = SourceAnnotations.generic(url)
            if let blob = GitHubBlobURL(url), hosts.contains(blob.host) {
                annotations[SourceAnnotations.editURL] = blob.editURL
                annotations["github.com/project-slug"] = "\(blob.owner)/\(blob.repository)"
            }
            return annotations
        }
    }
}
