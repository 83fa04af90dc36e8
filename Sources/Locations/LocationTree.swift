import Catalog
import CatalogModel

/// What one read of a location produced: its entities (the generated `Location` entity first),
/// who emitted each, and the problems that did not stop the read.
public struct LocationTree: Sendable {
    /// Every entity read, each with the location's key as its location key.
    public var entities: [DeferredEntity] = []
    /// For each entity ref (lower-case), the refs of the `Location` entities that named its file.
    public var parents: [String: [String]] = [:]
    /// Documents skipped and nested targets missing, one line each.
    public var problems: [String] = []
    /// How many files were read.
    public var files = 0
}
