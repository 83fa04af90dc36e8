import Catalog
import Foundation
import StoreSQLite

/// Read latencies on a loaded catalog, in-process (the store's read calls, no HTTP): each read
/// runs `warmUp` times unmeasured, then `samples` times (fewer, at least 5, once 5 s are spent);
/// prints p50, p99 and max of the wall time, and p50 of the process's CPU time per read (the
/// process does nothing else meanwhile, so this is the read's own cost, which other work on a
/// shared machine does not inflate the way it inflates wall time).
struct ReadProfile {
    let store: SQLiteCatalogStore
    let catalog: SyntheticCatalog
    var warmUp = 3
    var samples = 100

    func run() async throws {
        say("reads on \(catalog.count) entities (\(samples) samples each)")
        let refs = (0..<10).map { catalog.ref(($0 * 7_919 + 13) % catalog.count) }
        try await measure("by-refs, 10 refs") {
            let found = try await store.entities(refs: refs, filter: EntityFilter())
            precondition(found.allSatisfy { $0 != nil })
        }
        let kindService = EntityFilter(anyOf: [.init(conditions: [
            .init(key: "kind", values: ["component"]), .init(key: "spec.type", values: ["service"]),
        ])])
        try await measure("entities kind=component,spec.type=service limit 100") {
            let page = try await store.entities(EntitiesRequest(filter: kindService, limit: 100))
            precondition(page.entities.count == 100)
        }
        let kind = EntityFilter(anyOf: [.init(conditions: [.init(key: "kind", values: ["component"])])])
        let queries: [(String, QueryEntitiesRequest)] = [
            ("by-query first page, no filter", QueryEntitiesRequest(limit: 20)),
            ("by-query first page, kind=component", QueryEntitiesRequest(filter: kind, limit: 20)),
            ("by-query kind=component,spec.type=service", QueryEntitiesRequest(filter: kindService, limit: 20)),
            ("by-query orderField=metadata.name,asc",
             QueryEntitiesRequest(orderField: EntityOrder(field: "metadata.name"), limit: 20)),
            ("by-query orderField=metadata.name,desc",
             QueryEntitiesRequest(orderField: EntityOrder(field: "metadata.name", descending: true), limit: 20)),
            ("by-query kind=component, metadata.name,asc",
             QueryEntitiesRequest(filter: kind, orderField: EntityOrder(field: "metadata.name"), limit: 20)),
            ("by-query fullTextFilterTerm=00042, metadata.name",
             QueryEntitiesRequest(orderField: EntityOrder(field: "metadata.name"), fullTextTerm: "00042", limit: 20)),
        ]
        for (label, request) in queries {
            try await measure(label + " + totalItems") {
                let page = try await store.queryEntities(request, countTotal: true)
                precondition(!page.rows.isEmpty && page.totalItems != nil)
            }
        }
        if let first = try await store.queryEntities(queries[3].1, countTotal: false).rows.last {
            var next = queries[3].1
            next.position = first.position
            try await measure("by-query metadata.name,asc second page") {
                let page = try await store.queryEntities(next, countTotal: false)
                precondition(page.rows.count == 20)
            }
        }
        try await measure("facets spec.type") {
            let facets = try await store.facets(["spec.type"], filter: EntityFilter())
            precondition(facets["spec.type"]?.count == 3)
        }
        try await measure("facets spec.type, kind=component") {
            let facets = try await store.facets(["spec.type"], filter: kind)
            precondition(facets["spec.type"]?.count == 3)
        }
        let four = ["kind", "spec.type", "spec.lifecycle", "metadata.tags"]
        try await measure("facets kind, spec.type, spec.lifecycle, metadata.tags") {
            let facets = try await store.facets(four, filter: EntityFilter())
            precondition(facets.count == 4)
        }
    }

    private func measure(_ label: String, _ body: () async throws -> Void) async throws {
        for _ in 0..<warmUp { try await body() }
        var times: [Double] = []
        var cpu: [Double] = []
        for _ in 0..<samples where times.count < 5 || times.reduce(0, +) < 5_000 {
            let start = clock.now
            let cpuStart = Self.processCPU()
            try await body()
            cpu.append(Self.processCPU() - cpuStart)
            let elapsed = clock.now - start
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        times.sort()
        cpu.sort()
        let p50 = times[times.count / 2]
        let p99 = times[min(times.count - 1, Int(Double(times.count) * 0.99))]
        say("\(label.padding(toLength: 56, withPad: " ", startingAt: 0)) n \(times.count)  p50 \(String(format: "%8.2f", p50)) ms"
            + "  p99 \(String(format: "%8.2f", p99)) ms  max \(String(format: "%8.2f", times.last!)) ms"
            + "  CPU p50 \(String(format: "%8.2f", cpu[cpu.count / 2])) ms")
    }

    /// The CPU time of the whole process so far, in milliseconds.
    private static func processCPU() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }
}
