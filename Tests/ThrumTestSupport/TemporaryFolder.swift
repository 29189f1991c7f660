import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under /tmp for one test (short, so unix socket paths stay under 108 bytes),
/// removed with everything in it by `remove()` or, at the latest, when the last reference goes.
public final class TemporaryFolder: Sendable {
    public let path: String

    public init() throws {
        var template = Array("/tmp/thrum-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw TestFailure("cannot create a folder under /tmp: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    deinit { remove() }

    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The names in the folder, sorted.
    public func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Writes `text` to `name` with `mode` (set explicitly, whatever the umask).
    public func write(_ text: String, to name: String, mode: mode_t) throws {
        try TestFiles.write(file(name), text, mode: mode)
        guard chmod(file(name), mode) == 0 else { throw TestFailure("cannot chmod \(file(name)): errno \(errno)") }
    }

    public func read(_ name: String) throws -> [UInt8] {
        try TestFiles.readBytes(file(name))
    }
}
