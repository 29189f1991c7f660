#if canImport(Glibc)
import Glibc
#endif
import ThrumSystem

/// A file problem with what was being done and the system's reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errno: Int32

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// Whole-file reads and crash-safe replacement of small state files.
enum AtomicFile {
    /// The file's bytes, or nil when it does not exist.
    static func read(_ path: String) throws(FileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        switch FileDescriptorIO.readAll(fd) {
        case let .bytes(bytes): return bytes
        case let .failed(code): throw FileError(path: path, operation: "read", errno: code)
        case .tooLarge: throw FileError(path: path, operation: "read", errno: EFBIG)
        }
    }

    /// Replaces `path` with `bytes` so that after a crash it holds either the old
    /// or the new content: temp file in the same folder, fsync, rename, fsync folder.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(path: temporary, operation: "create", errno: errno) }
        if let code = FileDescriptorIO.writeAll(fd, bytes) {
            close(fd)
            unlink(temporary)
            throw FileError(path: temporary, operation: "write", errno: code)
        }
        if fsync(fd) != 0 {
            let code = errno
            close(fd)
            unlink(temporary)
            throw FileError(path: temporary, operation: "fsync", errno: code)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, operation: "replace", errno: code)
        }
        try syncFolder(of: path)
    }

    /// Moves `path` aside to `destination` (same folder) and makes the rename durable.
    static func move(_ path: String, to destination: String) throws(FileError) {
        guard rename(path, destination) == 0 else { throw FileError(path: path, operation: "move aside", errno: errno) }
        try syncFolder(of: path)
    }

    /// A rename is durable only once the folder holding it is synced.
    private static func syncFolder(of path: String) throws(FileError) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: folder, operation: "open folder", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: folder, operation: "fsync folder", errno: errno) }
    }
}
