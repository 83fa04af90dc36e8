import CatalogModel
import Crypto
import Foundation
import Synchronization

/// A fake of the GitHub REST endpoints Callboard uses (SPEC §9), driven by each test:
/// `GET /orgs/{org}/repos` (paginated with `Link`), `GET /repos/{owner}/{repo}/contents/{path}?ref=`
/// (raw, with etags and 304s), rate-limit answers on demand, and a bearer token check.
public final class FakeGitHub: Sendable {
    /// One repository: its default branch and files per branch.
    public struct Repository: Sendable {
        public var owner: String
        public var name: String
        public var defaultBranch: String
        public var archived: Bool
        /// branch → path (no leading `/`) → content.
        public var files: [String: [String: String]]
    }

    private struct State {
        var repositories: [Repository] = []
        var rateLimited = 0
        var rateLimitReset: TimeInterval = 0
    }

    /// The token every request must carry as `Authorization: Bearer`; nil accepts anonymous requests.
    public let token: String?
    /// Repositories per page when the client asks for more.
    public let pageSize: Int
    private let state = Mutex(State())

    public init(token: String? = "test-token", pageSize: Int = 2) {
        self.token = token
        self.pageSize = pageSize
    }

    /// Adds (or replaces) a repository with `files` on its default branch.
    public func addRepository(owner: String, name: String, defaultBranch: String = "main", archived: Bool = false,
                              files: [String: String] = [:]) {
        state.withLock { state in
            state.repositories.removeAll { $0.owner == owner && $0.name == name }
            state.repositories.append(Repository(owner: owner, name: name, defaultBranch: defaultBranch, archived: archived,
                                                 files: [defaultBranch: files]))
        }
    }

    /// Sets (or, with nil, removes) one file on a branch.
    public func setFile(owner: String, repository: String, branch: String = "main", path: String, _ content: String?) {
        state.withLock { state in
            guard let index = state.repositories.firstIndex(where: { $0.owner == owner && $0.name == repository }) else { return }
            state.repositories[index].files[branch, default: [:]][path] = content
        }
    }

    public func deleteRepository(owner: String, name: String) {
        state.withLock { $0.repositories.removeAll { $0.owner == owner && $0.name == name } }
    }

    public func renameRepository(owner: String, from: String, to: String) {
        state.withLock { state in
            if let index = state.repositories.firstIndex(where: { $0.owner == owner && $0.name == from }) {
                state.repositories[index].name = to
            }
        }
    }

    public func transferRepository(owner: String, name: String, to newOwner: String) {
        state.withLock { state in
            if let index = state.repositories.firstIndex(where: { $0.owner == owner && $0.name == name }) {
                state.repositories[index].owner = newOwner
            }
        }
    }

    /// The next `count` requests answer 403 with `x-ratelimit-remaining: 0` and a reset
    /// `resetIn` from now.
    public func rateLimitNext(_ count: Int, resetIn: Duration) {
        state.withLock { state in
            state.rateLimited = count
            state.rateLimitReset = Date().timeIntervalSince1970 + Double(resetIn.components.seconds)
                + Double(resetIn.components.attoseconds) / 1e18
        }
    }

    /// The handler for a ``FakeHTTPServer``.
    public var handler: FakeHTTPServer.Handler {
        { [self] request in self.answer(request) }
    }

    private func answer(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Reply {
        if let token, request.headers["authorization"] != "Bearer \(token)" {
            return json(401, ["message": "Bad credentials"])
        }
        let limited = state.withLock { state -> TimeInterval? in
            guard state.rateLimited > 0 else { return nil }
            state.rateLimited -= 1
            return state.rateLimitReset
        }
        if let reset = limited {
            return FakeHTTPServer.Reply(status: 403, headers: [
                ("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "\(Int(reset.rounded(.up)))"),
                ("content-type", "application/json"),
            ], text: #"{"message":"API rate limit exceeded"}"#)
        }
        let segments = request.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if segments.count == 3, segments[0] == "orgs", segments[2] == "repos" {
            return repositories(org: segments[1], request: request)
        }
        if segments.count >= 5, segments[0] == "repos", segments[3] == "contents" {
            return contents(owner: segments[1], repository: segments[2], path: segments[4...].joined(separator: "/"), request: request)
        }
        return json(404, ["message": "Not Found"])
    }

    private func repositories(org: String, request: FakeHTTPServer.Request) -> FakeHTTPServer.Reply {
        let all = state.withLock { $0.repositories }.filter { $0.owner.lowercased() == org.lowercased() }
        let perPage = min(Int(request.query["per_page"] ?? "") ?? 30, pageSize)
        let page = max(1, Int(request.query["page"] ?? "") ?? 1)
        let slice = all.dropFirst((page - 1) * perPage).prefix(perPage)
        var headers: [(String, String)] = [("content-type", "application/json")]
        if page * perPage < all.count, let host = request.authority {
            headers.append(("link", "<http://\(host)/orgs/\(org)/repos?per_page=\(perPage)&page=\(page + 1)>; rel=\"next\""))
        }
        let items: [JSONValue] = slice.map { repository in
            [
                "name": .string(repository.name), "full_name": .string("\(repository.owner)/\(repository.name)"),
                "owner": ["login": .string(repository.owner)], "default_branch": .string(repository.defaultBranch),
                "archived": .bool(repository.archived),
            ]
        }
        return FakeHTTPServer.Reply(status: 200, headers: headers, body: JSONValue.array(items).canonicalBytes())
    }

    private func contents(owner: String, repository: String, path: String, request: FakeHTTPServer.Request)
        -> FakeHTTPServer.Reply
    {
        guard request.headers["accept"] == "application/vnd.github.raw" else {
            return json(415, ["message": "this fake serves the raw media type only"])
        }
        let found = state.withLock { state in
            state.repositories.first { $0.owner == owner && $0.name == repository }
        }
        guard let found, let content = found.files[request.query["ref"] ?? found.defaultBranch]?[path] else {
            return json(404, ["message": "Not Found"])
        }
        let etag = "\"" + SHA256.hash(data: Array(content.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined() + "\""
        if request.headers["if-none-match"] == etag {
            return FakeHTTPServer.Reply(status: 304, headers: [("etag", etag)])
        }
        return FakeHTTPServer.Reply(status: 200, headers: [("etag", etag), ("content-type", "application/vnd.github.raw")],
                                    text: content)
    }

    private func json(_ status: Int, _ value: JSONValue) -> FakeHTTPServer.Reply {
        FakeHTTPServer.Reply(status: status, headers: [("content-type", "application/json")], body: value.canonicalBytes())
    }
}
