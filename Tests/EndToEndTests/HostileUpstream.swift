import CallboardTesting
import Foundation

/// The fake upstream of the hostile suite (on loopback, the only host `backend.reading.allow`
/// names): redirects to wherever `?to=` says, a redirect loop, hostile YAML (deep block and flow
/// nesting, an alias bomb, bytes that are not UTF-8), Location files pointing at files and at the
/// metadata address, and the Frobs provider's event URLs (`/frobs/{id}`), recorded.
enum HostileUpstream {
    static let component = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata: { name: hostile-ok }
        spec: { type: service, lifecycle: production, owner: team-a }
        """

    /// Ten levels of ten aliases each: a billion strings if a reader expands them.
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func location(_ target: String) -> String {
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: { name: hostile-location }
        spec: { targets: ['\(target)'] }
        """
    }

    static let handler: FakeHTTPServer.Handler = { request in
        let path = request.path.removingPercentEncoding ?? request.path
        switch request.path {
        case "/redirect":
            return .init(status: 302, headers: [("location", request.query["to"] ?? "/")], text: "")
        case "/loop":
            return .init(status: 302, headers: [("location", "/loop")], text: "")
        case "/ok.yaml":
            return .init(text: HostileUpstream.component)
        case "/deep.yaml":
            return .init(text: String(repeating: "- ", count: 100_000) + "x\n")
        case "/deep-flow.yaml":
            return .init(text: String(repeating: "[", count: 100_000))
        case "/aliases.yaml":
            return .init(text: HostileUpstream.aliasBomb)
        case "/binary.yaml":
            return .init(body: [0xFF, 0xFE, 0x00, 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80])
        case "/huge.yaml":
            return .init(text: "# " + String(repeating: "h", count: 6 * 1024 * 1024) + "\n")
        case "/invalid.yaml":
            return .init(text: "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: 'not valid!' }\n")
        case "/to-file.yaml":
            return .init(text: HostileUpstream.location("file:///etc/passwd"))
        case "/to-metadata.yaml":
            return .init(text: HostileUpstream.location("http://169.254.169.254/latest/meta-data/"))
        case "/frobs/redirect-out":
            return .init(status: 302, headers: [("location", "http://169.254.169.254/latest/meta-data/")], text: "")
        default:
            if path.hasPrefix("/envs/") { return .init(text: #"{"frobs":[]}"#) }
            return .init(status: 404, text: "not found")
        }
    }
}
