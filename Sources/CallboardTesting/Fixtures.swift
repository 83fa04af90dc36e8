import CallboardConfig
import Catalog
import Foundation

/// The checked-in fixtures under `Tests/Fixtures` (copied from ../shared/fixtures, written by
/// Backstage, GitHub and GitLab, not by us).
public enum Fixtures {
    /// `Tests/Fixtures` of this package.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")

    /// The entities of one YAML file under `Tests/Fixtures/entities` (multi-document files give several).
    public static func entities(_ file: String) throws -> [Entity] {
        let url = directory.appendingPathComponent("entities").appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try ConfigYAML.parseDocuments(text, file: url.path).filter { !$0.isNull }.map { try Entity(json: $0) }
    }

    /// Every valid example entity of Backstage's catalog-model examples in the fixtures.
    public static func exampleEntities() throws -> [Entity] {
        try [
            "acme-org.yaml", "acme-team-a-group.yaml", "artist-lookup-component.yaml", "petstore-component.yaml",
            "different-namespace.yaml", "petstore-api.yaml", "podcast-system.yaml",
            "artist-engagement-portal-system.yaml", "artists-domain.yaml", "artists-db-resource.yaml",
            "sample-docs-local-catalog-info.yaml",
        ].flatMap(entities)
    }
}
