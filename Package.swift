// swift-tools-version:6.1
import PackageDescription

// Module layout: README.md "Layout of the code". Each target depends on exactly the modules it
// imports, and a module never imports one above it:
//   thrum           -> ThrumMCP, ThrumDaemon (only `thrum daemon` starts it), ThrumControlAPI, ThrumRPC,
//                      ThrumTailscale, ThrumCore, ThrumSystem
//   ThrumMCP        -> ThrumControlAPI, ThrumRPC, ThrumCore
//   ThrumDaemon     -> ThrumControlAPI, ThrumSync, ThrumStore, ThrumRPC, ThrumTailscale, ThrumCore, ThrumSystem
//   ThrumSync       -> ThrumStore, ThrumRPC, ThrumTailscale, ThrumCore, ThrumSystem
//   ThrumStore      -> ThrumCore, CSQLite
//   ThrumRPC        -> ThrumCore
//   ThrumTailscale  -> ThrumCore
//   ThrumCore       -> ThrumSystem
//   ThrumSystem     -> CSodium, CSystemd
//   ThrumControlAPI -> nothing: the control socket's contract, shared by the daemon and its clients
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "thrum",
    products: [
        .executable(name: "thrum", targets: ["thrum"]),
        // For the fuzz targets' own package (Tests/fuzz/Package.swift), which feeds these modules.
        .library(name: "ThrumCore", targets: ["ThrumCore"]),
        .library(name: "ThrumRPC", targets: ["ThrumRPC"]),
        .library(name: "ThrumSync", targets: ["ThrumSync"]),
        .library(name: "ThrumMCP", targets: ["ThrumMCP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(
            name: "ThrumSystem",
            dependencies: ["CSodium", "CSystemd", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "ThrumCore",
            dependencies: ["ThrumSystem"],
            swiftSettings: strict),
        .target(
            name: "ThrumControlAPI",
            swiftSettings: strict),
        .target(
            name: "ThrumStore",
            dependencies: ["ThrumCore", "CSQLite", .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: strict),
        .target(
            name: "ThrumRPC",
            dependencies: [
                "ThrumCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "ThrumTailscale",
            dependencies: [
                "ThrumCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(
            name: "ThrumSync",
            dependencies: [
                "ThrumCore", "ThrumStore", "ThrumRPC", "ThrumTailscale", "ThrumSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "ThrumDaemon",
            dependencies: [
                "ThrumControlAPI", "ThrumCore", "ThrumStore", "ThrumRPC", "ThrumSync", "ThrumTailscale", "ThrumSystem",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
        .target(
            name: "ThrumMCP",
            dependencies: [
                "ThrumControlAPI", "ThrumRPC", "ThrumCore",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "thrum",
            dependencies: [
                // ThrumDaemon only for `thrum daemon` (DaemonCommand.swift); every other command is a client.
                "ThrumMCP", "ThrumDaemon", "ThrumControlAPI", "ThrumRPC", "ThrumCore", "ThrumSystem", "ThrumTailscale",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),

        // What every test target shares: temporary folders, files, waiting, failures.
        .target(name: "ThrumTestSupport", path: "Tests/ThrumTestSupport", swiftSettings: strict),
        .testTarget(name: "ThrumSystemTests", dependencies: ["ThrumSystem", "ThrumTestSupport"], swiftSettings: strict),
        .testTarget(name: "ThrumControlAPITests", dependencies: ["ThrumControlAPI"], swiftSettings: strict),
        .testTarget(name: "ThrumCoreTests", dependencies: ["ThrumCore", "ThrumTestSupport"], swiftSettings: strict),
        .testTarget(name: "ThrumStoreTests", dependencies: ["ThrumStore", "ThrumTestSupport"], swiftSettings: strict),
        .testTarget(name: "ThrumRPCTests", dependencies: ["ThrumRPC", "ThrumTestSupport"], swiftSettings: strict),
        .testTarget(name: "ThrumTailscaleTests", dependencies: ["ThrumTailscale", "ThrumTestSupport"], swiftSettings: strict),
        .testTarget(name: "ThrumSyncTests", dependencies: [
            "ThrumSync", "ThrumTestSupport", .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: strict),
        .testTarget(name: "ThrumMCPTests", dependencies: [
            "ThrumMCP", "ThrumRPC", "ThrumCore", "ThrumTestSupport",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "ThrumDaemonTests", dependencies: [
            "ThrumDaemon", "ThrumControlAPI", "ThrumRPC", "ThrumStore", "ThrumCore", "ThrumSystem", "ThrumTestSupport",
        ], swiftSettings: strict),
    ]
)
