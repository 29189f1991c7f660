#if canImport(Glibc)
import Glibc
#endif

/// Small whole-file reads for configuration files (FoundationEssentials has no
/// FileManager reading that avoids Foundation's ICU-linked parts).
public enum TextFile {
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The file's text, or nil when it does not exist. Refuses files over `limit` bytes.
    public static func read(_ path: String, limit: Int = 1 << 20) throws(ReadError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw ReadError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        switch FileDescriptorIO.readAll(fd, limit: limit) {
        case let .bytes(bytes): return String(decoding: bytes, as: UTF8.self)
        case let .failed(code): throw ReadError(path: path, reason: String(cString: strerror(code)))
        case .tooLarge: throw ReadError(path: path, reason: "larger than \(limit) bytes")
        }
    }
}
