import ThrumTestSupport
import Glibc

/// A unix socket that listens but never accepts: connecting succeeds (the kernel queues the
/// connection) and no answer ever comes, like a hung tailscaled.
final class SilentListener {
    let directory: String
    let socketPath: String
    private let descriptor: Int32

    init() throws {
        directory = try makeTemporaryDirectory()
        socketPath = directory + "/hung.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket failed: errno \(errno)") }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw TestFailure("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else {
            throw TestFailure("bind/listen on \(socketPath) failed: errno \(errno)")
        }
    }

    deinit {
        close(descriptor)
        removeDirectory(directory)
    }
}
