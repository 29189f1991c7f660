import ThrumSystem

/// The `thrum` executable under test: $THRUM_BIN, else the debug build next
/// to this package (`swift build` runs before `swift test` in `make test`).
enum ThrumBinary {
    static let path: String = {
        if let fromEnvironment = ProcessEnvironment.current()["THRUM_BIN"], !fromEnvironment.isEmpty { return fromEnvironment }
        let packageRoot = String(#filePath.split(separator: "/Tests/").first.map { "\($0)" } ?? ".")
        return packageRoot + "/.build/debug/thrum"
    }()
}
