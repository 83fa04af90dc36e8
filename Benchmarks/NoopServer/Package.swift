// swift-tools-version:6.1
// The baseline for the ingress load test: a minimal Hummingbird server that reads and decodes the
// same JSON body Callboard's ingress does, then discards it. Its own package so that neither the
// main build nor the package-benchmark suite has to build it.
import PackageDescription

let package = Package(
    name: "NoopServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "NoopServer",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        ),
    ]
)
