import Foundation

/// One step of a key path: an object member or an array element.
enum ConfigPathComponent: Sendable, Hashable {
    case key(String)
    case index(Int)
}

extension Array where Element == ConfigPathComponent {
    /// The path as written in messages: `backend.auth.externalAccess[0].options.token`.
    var rendered: String {
        var text = ""
        for component in self {
            switch component {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}

/// Helpers for building key paths as strings.
enum ConfigPathText {
    static func child(_ path: String, key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    static func child(_ path: String, index: Int) -> String {
        "\(path)[\(index)]"
    }

    /// The last object key named in a rendered path (`a.b[2]` → `b`).
    static func lastKey(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("]"), let open = trimmed.lastIndex(of: "[") {
            trimmed = trimmed[..<open]
        }
        if let dot = trimmed.lastIndex(of: ".") {
            return String(trimmed[trimmed.index(after: dot)...])
        }
        return String(trimmed)
    }
}

/// True for an absolute `http://` or `https://` URL with a host.
func isHTTPURL(_ text: String) -> Bool {
    guard let components = URLComponents(string: text),
        let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
        let host = components.host, !host.isEmpty
    else { return false }
    return true
}
