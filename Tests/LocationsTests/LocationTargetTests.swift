import Foundation
import Testing
@testable import Locations

/// Resolving `Location` targets: relative to the file they are named in, never from a URL to
/// the server's disk.
@Suite struct LocationTargetTests {
    @Test(arguments: [
        ("./b.yaml", "https://example.com/org/repo/blob/main/a/catalog-info.yaml", "https://example.com/org/repo/blob/main/a/b.yaml"),
        ("../c.yaml", "https://example.com/org/repo/blob/main/a/catalog-info.yaml", "https://example.com/org/repo/blob/main/c.yaml"),
        ("https://other.example.com/x.yaml", "https://example.com/a.yaml", "https://other.example.com/x.yaml"),
    ])
    func urlTargetsResolveAgainstTheirFile(_ target: String, _ base: String, _ expected: String) throws {
        let resolved = try LocationTarget.resolve(target, kind: .url, from: base, baseKind: .url).get()
        #expect(resolved == expected)
    }

    @Test func fileTargetsResolveAgainstTheirFolder() throws {
        #expect(try LocationTarget.resolve("./x/../y.yaml", kind: .file, from: "/srv/catalog/all.yaml", baseKind: .file).get()
            == "/srv/catalog/y.yaml")
        #expect(try LocationTarget.resolve("/etc/catalog.yaml", kind: .file, from: "/srv/all.yaml", baseKind: .file).get()
            == "/etc/catalog.yaml")
        #expect(try LocationTarget.resolve("https://example.com/a.yaml", kind: .url, from: "/srv/all.yaml", baseKind: .file).get()
            == "https://example.com/a.yaml")
    }

    @Test func aURLNeverLeadsToAFile() {
        let result = LocationTarget.resolve("/etc/passwd", kind: .file, from: "https://example.com/a.yaml", baseKind: .url)
        #expect(throws: LocationReadError.self) { try result.get() }
    }

    @Test(arguments: ["ftp://example.com/a.yaml", "file:///etc/passwd", "mailto:x@example.com"])
    func nonHTTPURLTargetsAreRefused(_ target: String) {
        #expect(throws: LocationReadError.self) {
            try LocationTarget.resolve(target, kind: .url, from: "https://example.com/a.yaml", baseKind: .url).get()
        }
    }

    @Test func configuredLocationsKeepTheirIDAcrossRestarts() {
        let one = CatalogLocation.configured(kind: .url, target: "https://example.com/a.yaml", allowedKinds: nil)
        let two = CatalogLocation.configured(kind: .url, target: "https://example.com/a.yaml", allowedKinds: ["Component"])
        let other = CatalogLocation.configured(kind: .url, target: "https://example.com/b.yaml", allowedKinds: nil)
        #expect(one.id == two.id)
        #expect(one.id != other.id)
        #expect(one.id.count == 36)
        #expect(two.allowedKinds == ["component"])
        #expect(one.generatedEntity.metadata.name.hasPrefix("generated-"))
        #expect(one.generatedEntity.metadata.name.count == "generated-".count + 40)
    }
}
