/// Backstage's source annotations for an entity read from a URL.
public enum SourceAnnotations {
    public static let viewURL = "backstage.io/view-url"
    public static let editURL = "backstage.io/edit-url"
    public static let sourceLocation = "backstage.io/source-location"

    /// `view-url` (the file) and `source-location` (`url:` and the file's folder), for any URL.
    public static func generic(_ url: String) -> [String: String] {
        guard let slash = url.lastIndex(of: "/") else { return [viewURL: url] }
        return [viewURL: url, sourceLocation: "url:\(url[...slash])"]
    }
}
