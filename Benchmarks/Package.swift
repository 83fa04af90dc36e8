// swift-tools-version:6.1
// The catalog benchmark suite (package-benchmark). A separate package so that the main package's
// build and CI do not pull in the benchmark tooling. Run it with `Benchmarks/run`.
import PackageDescription

let package = Package(
    name: "CallboardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Callboard", path: ".."),
        // No traits: these benchmarks record wall clock, CPU and peak RSS, not allocation or ARC
        // counts. The default `MallocInterposer` trait routes every malloc and free through an
        // interposer that adds a size header to each allocation: with it the 100,000-entity
        // initial load took 13.4–14.8 s against 10.5–11.1 s for the same code under
        // `CatalogProfile` (2026-12-05), a cost production never pays. `RuntimeInterposer` pulls
        // in swift-runtime-interposer (Linux, Swift 6.3) for ARC statistics.
        // ordo-one/package-benchmark, under the name it has had since its rename (the old URL and
        // identifier still resolve to the same repository but print a deprecation warning).
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "CatalogBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Catalog", package: "Callboard"),
                .product(name: "StoreSQLite", package: "Callboard"),
                .product(name: "CatalogModel", package: "Callboard"),
                .product(name: "Events", package: "Callboard"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "CatalogBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
        // Timing sections for profiling the write path (see the file's header); not a benchmark.
        // Shares the generator and baseline with the benchmarks through symlinks.
        .executableTarget(
            name: "CatalogProfile",
            dependencies: [
                .product(name: "Catalog", package: "Callboard"),
                .product(name: "StoreSQLite", package: "Callboard"),
                .product(name: "CatalogModel", package: "Callboard"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/CatalogProfile"
        ),
        // The full-mutation benchmark on PostgreSQL against its floor and SQLite, in one run
        // (Benchmarks/load/mutation-postgres.sh). Shares the generator and baseline rows through symlinks.
        .executableTarget(
            name: "PostgresProfile",
            dependencies: [
                .product(name: "Catalog", package: "Callboard"),
                .product(name: "StoreSQLite", package: "Callboard"),
                .product(name: "StorePostgres", package: "Callboard"),
                .product(name: "CatalogModel", package: "Callboard"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tools/PostgresProfile"
        ),
    ]
)
