import Glibc

/// A fresh folder under /tmp, removed (with its contents) when the test is done.
final class TemporaryFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/thrum-system-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw TestFailure("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: made)
    }

    deinit {
        _ = try? Subprocess.run(["/bin/rm", "-rf", path])
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` with `mode` (the mode is set explicitly, whatever the umask).
    func write(_ text: String, to name: String, mode: mode_t) throws {
        let fd = open(file(name), O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw TestFailure("cannot create \(file(name)): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count, fchmod(fd, mode) == 0 else {
            throw TestFailure("cannot write \(file(name)): errno \(errno)")
        }
    }

    func read(_ name: String) throws -> [UInt8] {
        let fd = open(file(name), O_RDONLY)
        guard fd >= 0 else { throw TestFailure("cannot open \(file(name)): errno \(errno)") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &chunk, chunk.count)
            guard count > 0 else { return out }
            out += chunk.prefix(count)
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
