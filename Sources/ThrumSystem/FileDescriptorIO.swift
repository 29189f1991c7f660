#if canImport(Glibc)
import Glibc
#endif

/// Whole reads and writes on a file descriptor: short transfers and EINTR are
/// retried here once, instead of in every caller.
public enum FileDescriptorIO {
    public enum ReadOutcome: Sendable, Equatable {
        case bytes([UInt8])
        case failed(errno: Int32)
        /// The data went on past `limit` bytes.
        case tooLarge
    }

    /// Reads until end of file, at most `limit` bytes.
    public static func readAll(_ fd: Int32, limit: Int = .max) -> ReadOutcome {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if n == 0 { return .bytes(bytes) }
            bytes.append(contentsOf: chunk.prefix(n))
            if bytes.count > limit { return .tooLarge }
        }
    }

    /// Writes every byte; returns nil on success, else the errno of the failure.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += n
        }
        return nil
    }
}
