import Benchmark
import Catalog

// The catalog write path at 100,000 entities (issue "Foundation": initial load under 10 s,
// unchanged re-sync under 2 s on the 2-core reference machine), with a raw-insert baseline
// measured in the same run. Every benchmark works on its own fresh on-disk SQLite catalog in a
// temp directory. Run with `Benchmarks/run`; figures and how to read them are in BENCHMARKS.md.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        units: [.peakMemoryResident: .mega],
        warmupIterations: 0,
        maxDuration: .seconds(60),
        maxIterations: 3
    )
    // Catalogs kept for a whole benchmark (set up once, reused by its iterations) are deleted here.
    Benchmark.teardown = { ScratchDirectory.removeAll() }
    var large = Benchmark.defaultConfiguration
    var small = Benchmark.defaultConfiguration
    small.maxIterations = 20
    small.maxDuration = .seconds(15)
    if Shared.smoke {
        large.maxIterations = 1
        small.maxIterations = 2
    }

    // The floor: the same entity and index rows, batched inserts in one transaction.
    Benchmark("Baseline.rawInsert.\(Shared.sizeLabel)", configuration: large) { benchmark, _ in
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let rows = RawInsertBaseline.rows
        let pool = try RawInsertBaseline.open(path: scratch.path("baseline.sqlite"))
        benchmark.startMeasurement()
        let searchRows = try await RawInsertBaseline.insert(rows, into: pool)
        benchmark.stopMeasurement()
        blackHole(searchRows)
    } setup: {
        _ = RawInsertBaseline.rows
    }

    // 100,000 new entities into an empty catalog.
    Benchmark("FullMutation.initial.\(Shared.sizeLabel)", configuration: large) { benchmark, _ in
        let entities = Shared.entities
        let fixture = try CatalogFixture()
        defer { fixture.close() }
        let connection = fixture.connection
        benchmark.startMeasurement()
        let result = try await connection.applyMutation(.full(entities))
        benchmark.stopMeasurement()
        try expect(result, added: Shared.entityCount)
    } setup: {
        _ = Shared.entities
    }

    // The same 100,000 entities again: nothing to write.
    Benchmark("FullMutation.unchanged.\(Shared.sizeLabel)", configuration: large) { benchmark, fixture in
        let connection = fixture.connection
        benchmark.startMeasurement()
        let result = try await connection.applyMutation(.full(Shared.entities))
        benchmark.stopMeasurement()
        try expect(result, unchanged: Shared.entityCount)
    } setup: {
        try await CatalogFixture.loaded()
    }

    // The full set with 1 % (every 100th entity) modified since the previous mutation: a new
    // description and one changed label each iteration.
    Benchmark("FullMutation.1pctChanged.\(Shared.sizeLabel)", configuration: large) { benchmark, fixture in
        let catalog = Shared.catalog
        let changed = catalog.onePercent()
        let entities = catalog.replacing(changed, in: Shared.entities, revision: benchmark.currentIteration + 1)
        let connection = fixture.connection
        benchmark.startMeasurement()
        let result = try await connection.applyMutation(.full(entities))
        benchmark.stopMeasurement()
        let changedCount = Shared.entityCount / 100
        try expect(result, updated: changedCount, unchanged: Shared.entityCount - changedCount)
    } setup: {
        try await CatalogFixture.loaded()
    }

    // A 100-entity delta (modifications) on a 100,000-entity catalog.
    Benchmark("DeltaMutation.100", configuration: small) { benchmark, fixture in
        let catalog = Shared.catalog
        let start = (benchmark.currentIteration * 100) % Shared.entityCount
        let added = (start..<(start + 100)).map { catalog.deferred($0, revision: benchmark.currentIteration + 1) }
        let connection = fixture.connection
        benchmark.startMeasurement()
        let result = try await connection.applyMutation(.delta(added: added, removed: []))
        benchmark.stopMeasurement()
        try expect(result, updated: added.count)
    } setup: {
        try await CatalogFixture.loaded()
    }

    registerModelBenchmarks(configuration: small)
    registerEventBenchmarks(configuration: small)
}
