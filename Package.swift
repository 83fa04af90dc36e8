// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Callboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callboard", targets: ["callboard"]),
        .library(name: "CatalogModel", targets: ["CatalogModel"]),
        .library(name: "CallboardConfig", targets: ["CallboardConfig"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "Events", targets: ["Events"]),
        .library(name: "ModuleAPI", targets: ["ModuleAPI"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .library(name: "FrobsExample", targets: ["FrobsExample"]),
        .library(name: "FrobsSimulator", targets: ["FrobsSimulator"]),
        .library(name: "Webhooks", targets: ["Webhooks"]),
        .library(name: "UrlReader", targets: ["UrlReader"]),
        .library(name: "StoreSQLite", targets: ["StoreSQLite"]),
        .library(name: "Locations", targets: ["Locations"]),
        .library(name: "GitHubIntegration", targets: ["GitHubIntegration"]),
        .library(name: "StorePostgres", targets: ["StorePostgres"]),
        .library(name: "CallboardServer", targets: ["CallboardServer"]),
        .library(name: "CallboardTesting", targets: ["CallboardTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "CatalogModel",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallboardConfig",
            dependencies: [
                "CatalogModel",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Events",
            dependencies: [
                "CatalogModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Scheduler",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ModuleAPI",
            dependencies: [
                "CallboardConfig",
                "Catalog",
                "Events",
                "Scheduler",
                "UrlReader",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Webhooks",
            dependencies: [
                "Events",
                "ModuleAPI",
                "CatalogModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FrobsExample",
            dependencies: [
                "CallboardConfig",
                "Catalog",
                "CatalogModel",
                "Events",
                "ModuleAPI",
                "Scheduler",
                "UrlReader",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FrobsSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "UrlReader",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Catalog",
            dependencies: [
                "CatalogModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Locations",
            dependencies: [
                "Catalog",
                "CatalogModel",
                "CallboardConfig",
                "UrlReader",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GitHubIntegration",
            dependencies: [
                "CallboardConfig",
                "Catalog",
                "CatalogModel",
                "Events",
                "Locations",
                "ModuleAPI",
                "Scheduler",
                "UrlReader",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // One C function: `sqlite3_config` is variadic, which Swift cannot call.
        .target(
            name: "CSQLiteSettings",
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        .target(
            name: "StoreSQLite",
            dependencies: [
                "Catalog",
                "CSQLiteSettings",
                "Events",
                "CatalogModel",
                "Scheduler",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StorePostgres",
            dependencies: [
                "Catalog",
                "Events",
                "CatalogModel",
                "Scheduler",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallboardServer",
            dependencies: [
                "Catalog",
                "CallboardConfig",
                "CatalogModel",
                "Events",
                "FrobsExample",
                "FrobsSimulator",
                "GitHubIntegration",
                "Locations",
                "ModuleAPI",
                "Scheduler",
                "StoreSQLite",
                "StorePostgres",
                "UrlReader",
                "Webhooks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            // openapi.yaml at the repository root (a link), served at /api/openapi.yaml.
            resources: [.embedInCode("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "callboard",
            dependencies: [
                "CallboardServer",
                "FrobsSimulator",
                "CatalogModel",
                "CallboardConfig",
                "Webhooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallboardTesting",
            dependencies: [
                "Catalog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "CatalogModel",
                "CallboardServer",
                "CallboardConfig",
                "Events",
                "ModuleAPI",
                "UrlReader",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogModelTests",
            dependencies: ["CatalogModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallboardConfigTests",
            dependencies: ["CallboardConfig", "CatalogModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventsTests",
            dependencies: [
                "Events", "StoreSQLite", "StorePostgres", "CallboardTesting", "CatalogModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebhooksTests",
            dependencies: ["Webhooks", "Events", "CatalogModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "UrlReaderTests",
            dependencies: ["UrlReader", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FrobsSimulatorTests",
            dependencies: [
                "FrobsSimulator",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "Scheduler", "StoreSQLite", "StorePostgres", "CallboardTesting",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorePostgresTests",
            dependencies: [
                "StorePostgres", "Events", "CallboardTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: [
                "Catalog", "CatalogModel", "StoreSQLite", "StorePostgres", "CallboardTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LocationsTests",
            dependencies: ["Locations"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GitHubIntegrationTests",
            dependencies: [
                "GitHubIntegration", "CallboardConfig", "CatalogModel",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "callboard", "CallboardServer", "CallboardTesting", "GitHubIntegration", "Locations", "Catalog", "CatalogModel", "CallboardConfig",
                "Events", "ModuleAPI", "Webhooks", "StoreSQLite", "UrlReader", "FrobsSimulator", "FrobsExample", "Scheduler",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
