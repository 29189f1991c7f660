import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under /tmp, removed by `remove()`.
struct TemporaryFolder: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/thrum-sync-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw TestSetupError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits (polling) until `condition` holds; fails after a generous deadline so a
/// broken build ends instead of hanging. Not a timing assertion: only the
/// outcome is checked.
func eventually(_ what: String, within seconds: Int = 30, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestSetupError("gave up waiting until \(what)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}
