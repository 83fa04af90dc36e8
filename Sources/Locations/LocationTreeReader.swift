import CallboardConfig
import Catalog
import CatalogModel

/// Adds annotations for a URL an entity was read from (`backstage.io/view-url`, `edit-url`, …);
/// integrations supply one.
public typealias SourceAnnotator = @Sendable (_ url: String) -> [String: String]

/// Reads a location and every target its `Location` entities name, breadth first.
///
/// Each entity gets `backstage.io/managed-by-location` (the file it came from) and
/// `backstage.io/managed-by-origin-location` (the registered location), as Backstage's
/// processing does. Cycles are skipped; depth and file count are bounded.
public struct LocationTreeReader: Sendable {
    /// How many `Location` hops below the registered one are followed.
    public static let maxDepth = 10
    /// How many files one location may span.
    public static let maxFiles = 1000

    let fetcher: LocationFetcher
    let annotate: SourceAnnotator

    public init(fetcher: LocationFetcher, annotate: @escaping SourceAnnotator = { _ in [:] }) {
        self.fetcher = fetcher
        self.annotate = annotate
    }

    private struct Pending {
        var kind: CatalogLocation.Kind
        var target: String
        var parentRef: String
        var depth: Int
        var key: String { "\(kind.rawValue):\(target)" }
    }

    /// Reads `location`. The registered file must be readable and every file must parse;
    /// a nested target that does not exist is a problem, not a failure.
    public func read(_ location: CatalogLocation) async throws(LocationReadError) -> LocationTree {
        var tree = LocationTree()
        let root = location.generatedEntity
        let rootRef = root.ref.description
        tree.entities.append(annotated(root, file: location.key, location: location))
        var seenRefs: Set<String> = [rootRef]
        var visited: Set<String> = [location.key]
        var queue = [Pending(kind: location.kind, target: location.target, parentRef: rootRef, depth: 0)]
        var index = 0
        while index < queue.count {
            let item = queue[index]
            index += 1
            guard tree.files < Self.maxFiles else {
                throw LocationReadError(.invalid, "\(location.key) spans more than \(Self.maxFiles) files")
            }
            let bytes: [UInt8]
            do {
                bytes = try await fetcher.read(kind: item.kind, target: item.target)
            } catch let error where error.code == .notFound && item.depth > 0 {
                tree.problems.append(error.message)
                continue
            }
            tree.files += 1
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw LocationReadError(.invalid, "\(item.key) is not UTF-8 text")
            }
            let documents: [JSONValue]
            do {
                documents = try ConfigYAML.parseDocuments(text, file: item.key)
            } catch {
                throw LocationReadError(.invalid, error.message)
            }
            for (number, document) in documents.enumerated() where !document.isNull {
                let place = "\(item.key) document \(number + 1)"
                let entity: Entity
                do {
                    entity = try Entity(json: document)
                } catch {
                    tree.problems.append("\(place): \(error.message)")
                    continue
                }
                if let allowed = location.allowedKinds, !allowed.contains(entity.kind.lowercased()) {
                    tree.problems.append("\(place): kind \(entity.kind) is not allowed from \(location.key)")
                    continue
                }
                let ref = entity.ref.description
                guard seenRefs.insert(ref).inserted else {
                    tree.problems.append("\(place): \(ref) appears more than once in \(location.key); the first is kept")
                    continue
                }
                tree.parents[ref, default: []].append(item.parentRef)
                tree.entities.append(annotated(entity, file: item.key, location: location))
                guard entity.kind.lowercased() == "location" else { continue }
                for next in targets(of: entity, in: item, problems: &tree.problems) {
                    guard next.depth <= Self.maxDepth else {
                        tree.problems.append("\(place): \(next.key) is more than \(Self.maxDepth) locations deep; not read")
                        continue
                    }
                    if visited.insert(next.key).inserted { queue.append(next) }
                }
            }
        }
        return tree
    }

    /// The targets a `Location` entity names (`spec.target`, `spec.targets`), resolved.
    private func targets(of entity: Entity, in item: Pending, problems: inout [String]) -> [Pending] {
        var names: [String] = []
        if let target = entity.spec?["target"]?.stringValue { names.append(target) }
        if case .array(let list)? = entity.spec?["targets"] { names += list.compactMap(\.stringValue) }
        let typeName = entity.spec?["type"]?.stringValue ?? item.kind.rawValue
        guard let kind = CatalogLocation.Kind(rawValue: typeName) else {
            problems.append("\(item.key): location \(entity.ref) has the unsupported type '\(typeName)'")
            return []
        }
        var result: [Pending] = []
        for name in names {
            switch LocationTarget.resolve(name, kind: kind, from: item.target, baseKind: item.kind) {
            case .success(let target):
                result.append(Pending(kind: kind, target: target, parentRef: entity.ref.description, depth: item.depth + 1))
            case .failure(let error):
                problems.append("\(item.key): \(error.message)")
            }
        }
        return result
    }

    private func annotated(_ entity: Entity, file: String, location: CatalogLocation) -> DeferredEntity {
        var entity = entity
        var annotations = entity.metadata.annotations ?? [:]
        annotations[EntityPreparer.managedByLocation] = file
        annotations[EntityPreparer.managedByOriginLocation] = location.key
        if file.hasPrefix("url:") {
            let url = String(file.dropFirst(4))
            for (key, value) in annotate(url) where annotations[key] == nil {
                annotations[key] = value
            }
        }
        entity.metadata.annotations = annotations
        return DeferredEntity(entity: entity, locationKey: location.key)
    }
}
