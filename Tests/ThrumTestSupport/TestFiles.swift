import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads and writes for test fixtures, by path.
public enum TestFiles {
    public static func write(_ path: String, _ text: String, mode: mode_t = 0o644) throws {
        try write(path, bytes: Array(text.utf8), mode: mode)
    }

    public static func write(_ path: String, bytes: [UInt8], mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw TestFailure("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw TestFailure("short write to \(path)") }
            offset += n
        }
    }

    public static func read(_ path: String) throws -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    public static func readBytes(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TestFailure("cannot read \(path): errno \(errno)") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The permission bits of `path`, nil when it cannot be read.
    public static func mode(_ path: String) -> mode_t? {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    /// A fresh folder under /tmp named after `prefix`, removed by `remove` (if it cannot be
    /// made, a path that does not exist, so the test fails where it first uses it).
    public static func temporaryDirectory(_ prefix: String = "thrum-test") -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return "/tmp/\(prefix)-\(getpid())" }
            return String(cString: made)
        }
    }

    /// Removes `path` and everything under it; only ever under /tmp.
    public static func remove(_ path: String) {
        guard path.hasPrefix("/tmp/") else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
