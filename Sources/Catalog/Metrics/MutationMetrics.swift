import Metrics

/// One provider's mutation metrics (swift-metrics; Callboard's server sends them to Prometheus):
///
/// - `callboard_catalog_mutation_duration_seconds{provider, type}`: time to prepare and commit a
///   mutation, `type` = `full` or `delta`;
/// - `callboard_catalog_entities_written_total{provider, change}`: entities `added`, `updated`
///   and `removed` by committed mutations (unchanged ones are not written, so not counted);
/// - `callboard_catalog_entities_rejected_total{provider}`: entities that failed validation.
struct MutationMetrics: Sendable {
    private let fullDuration: Timer
    private let deltaDuration: Timer
    private let added: Counter
    private let updated: Counter
    private let removed: Counter
    private let rejected: Counter

    init(provider: String, factory: any MetricsFactory) {
        let dimensions = [("provider", provider)]
        let duration = "callboard_catalog_mutation_duration_seconds"
        fullDuration = Timer(label: duration, dimensions: dimensions + [("type", "full")], factory: factory)
        deltaDuration = Timer(label: duration, dimensions: dimensions + [("type", "delta")], factory: factory)
        let written = "callboard_catalog_entities_written_total"
        added = Counter(label: written, dimensions: dimensions + [("change", "added")], factory: factory)
        updated = Counter(label: written, dimensions: dimensions + [("change", "updated")], factory: factory)
        removed = Counter(label: written, dimensions: dimensions + [("change", "removed")], factory: factory)
        rejected = Counter(label: "callboard_catalog_entities_rejected_total", dimensions: dimensions, factory: factory)
    }

    /// Records a committed mutation.
    func applied(_ mutation: EntityProviderMutation, result: MutationResult, took duration: Duration) {
        switch mutation {
        case .full: fullDuration.record(duration: duration)
        case .delta: deltaDuration.record(duration: duration)
        }
        if result.added > 0 { added.increment(by: result.added) }
        if result.updated > 0 { updated.increment(by: result.updated) }
        if result.removed > 0 { removed.increment(by: result.removed) }
        if !result.rejected.isEmpty { rejected.increment(by: result.rejected.count) }
    }
}
