import Catalog
import CallboardTesting
import MetricsTestKit
import Testing

/// The engine's metrics per provider: mutation durations by type, entities written by change,
/// rejected entities; unchanged entities are not counted as written.
@Suite struct MutationMetricsTests {
    typealias F = EntityFactory

    @Test func writtenRejectedAndDurationsArePerProvider() async throws {
        let metrics = TestMetrics()
        let catalog = try CatalogHarness(metrics: metrics)
        defer { catalog.cleanUp() }
        let provider = catalog.provider("counted")
        try await provider.applyMutation(.full(F.deferred([F.component("a"), F.component("b")])))
        try await provider.applyMutation(.full(F.deferred([F.component("a"), F.component("b")])))  // unchanged
        try await provider.applyMutation(.delta(
            added: F.deferred([F.component("a", title: "A2"), F.component("Not Valid!")]),
            removed: [EntityRemoval(entityRef: "component:default/b")]))

        let dimensions = [("provider", "counted")]
        func written(_ change: String) throws -> Int64 {
            try metrics.expectCounter("callboard_catalog_entities_written_total", dimensions + [("change", change)])
                .totalValue
        }
        #expect(try written("added") == 2)
        #expect(try written("updated") == 1)
        #expect(try written("removed") == 1)
        #expect(try metrics.expectCounter("callboard_catalog_entities_rejected_total", dimensions).totalValue == 1)
        let duration = "callboard_catalog_mutation_duration_seconds"
        #expect(try metrics.expectTimer(duration, dimensions + [("type", "full")]).values.count == 2)
        #expect(try metrics.expectTimer(duration, dimensions + [("type", "delta")]).values.count == 1)
    }
}
