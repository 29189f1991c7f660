// swift-tools-version:6.1
import PackageDescription

// The fuzz targets (README.md beside this file), in a package of their own so that the root
// package's builds, release included, never compile them: one of them imports ThrumMCP with
// `@testable`, which only a build with testing enabled can satisfy. `make fuzz` builds them
// with libFuzzer (`-sanitize=fuzzer -enable-testing`); a plain debug build makes programs that
// replay files.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "thrum-fuzz",
    dependencies: [
        .package(name: "thrum", path: "../.."),
    ],
    targets: [
        .target(name: "CFuzzerDriver", path: "Driver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Support", swiftSettings: strict),
        .executableTarget(name: "fuzz-request-line",
                          dependencies: ["FuzzSupport", .product(name: "ThrumRPC", package: "thrum"),
                                         .product(name: "ThrumCore", package: "thrum"),
                                         .product(name: "ThrumSync", package: "thrum")],
                          path: "RequestLine", swiftSettings: strict),
        .executableTarget(name: "fuzz-pulled-page",
                          dependencies: ["FuzzSupport", .product(name: "ThrumSync", package: "thrum"),
                                         .product(name: "ThrumRPC", package: "thrum"),
                                         .product(name: "ThrumCore", package: "thrum")],
                          path: "PulledPage", swiftSettings: strict),
        .executableTarget(name: "fuzz-event-validation",
                          dependencies: ["FuzzSupport", .product(name: "ThrumCore", package: "thrum")],
                          path: "EventValidation", swiftSettings: strict),
        .executableTarget(name: "fuzz-mcp-message",
                          dependencies: ["FuzzSupport", .product(name: "ThrumMCP", package: "thrum"),
                                         .product(name: "ThrumRPC", package: "thrum")],
                          path: "MCPMessage", swiftSettings: strict),
    ]
)
