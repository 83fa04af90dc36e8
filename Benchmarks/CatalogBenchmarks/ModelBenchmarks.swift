import Benchmark
import Catalog
import CatalogModel

// The CPU-only steps every write and read goes through, on the synthetic components: decoding
// and validating an entity from its JSON bytes, deriving its relations, and parsing Backstage
// filter parameters. Each iteration handles `Model.count` items; figures per item are the p50
// divided by that count. No I/O, so these are the floor under the catalog benchmarks.

enum Model {
    static let count = Shared.smoke ? 100 : 10_000
    static let label = Shared.smoke ? "100" : "10k"
    /// The first `count` synthetic components as the JSON bytes a provider or `POST` would send.
    static let documents: [[UInt8]] = (0..<count).map { Shared.catalog.entity($0).json.canonicalBytes() }
    static let entities: [Entity] = (0..<count).map { Shared.catalog.entity($0) }
    /// Filters shaped like the read API's: single, AND, OR, exists, a relation, a tag.
    static let filters: [[String]] = (0..<count).map { index in
        switch index % 5 {
        case 0: ["kind=component"]
        case 1: ["kind=component,spec.type=\(SyntheticCatalog.types[index % 3])"]
        case 2: ["kind=component,spec.lifecycle=production", "kind=api,spec.type=openapi"]
        case 3: ["metadata.annotations.github.com/project-slug", "spec.owner=\(SyntheticCatalog.groupName(index % 50))"]
        default: ["relations.ownedBy=group:default/\(SyntheticCatalog.groupName(index % 50)),metadata.tags=java"]
        }
    }
}

func registerModelBenchmarks(configuration: Benchmark.Configuration) {
    // JSON bytes → JSONValue → Entity → every validation rule of the entity model.
    Benchmark("Model.decodeValidate.\(Model.label)", configuration: configuration) { benchmark, documents in
        var invalid = 0
        benchmark.startMeasurement()
        for document in documents {
            let entity = try Entity(json: JSONParser.parse(document))
            invalid += EntityValidator.validate(entity).isEmpty ? 0 : 1
        }
        benchmark.stopMeasurement()
        guard invalid == 0 else { throw UnexpectedResult(description: "\(invalid) synthetic entities failed validation") }
    } setup: {
        Model.documents
    }

    // The relation derivation table: 4 emitted relations per synthetic component.
    Benchmark("Model.deriveRelations.\(Model.label)", configuration: configuration) { benchmark, entities in
        var relations = 0
        benchmark.startMeasurement()
        for entity in entities { relations += RelationDerivation.derive(from: entity).count }
        benchmark.stopMeasurement()
        // 4 emitted relations each, with or without their inverses: a whole multiple, never none.
        guard relations >= 4 * entities.count, relations % entities.count == 0 else {
            throw UnexpectedResult(description: "expected 4 relations or more per entity, derived \(relations) in all")
        }
    } setup: {
        Model.entities
    }

    // Backstage's `filter` parameters into the engine's filter.
    Benchmark("Query.parseFilter.\(Model.label)", configuration: configuration) { benchmark, filters in
        var conjunctions = 0
        benchmark.startMeasurement()
        for parameters in filters { conjunctions += try EntityFilterParser.parse(parameters).anyOf.count }
        benchmark.stopMeasurement()
        blackHole(conjunctions)
    } setup: {
        Model.filters
    }
}
