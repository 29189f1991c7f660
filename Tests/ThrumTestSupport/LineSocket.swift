#if canImport(Glibc)
import Glibc
#endif

/// A plain line client on a unix or TCP socket that sends whatever bytes a test wants: what a
/// well-behaved client never would (control socket), or as several tailnet peers at once by
/// picking its source address (127.0.0.2, … are all loopback on Linux) for the stand-in WhoIs.
public final class LineSocket {
    public let fd: Int32
    private var buffered: [UInt8] = []

    /// Connects to the unix socket at `path`.
    public convenience init(path: String) throws {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw TestFailure("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        try self.init(family: AF_UNIX, address: addr, what: path)
    }

    /// Connects to `host:port` over TCP, from `source` when given.
    public convenience init(to host: String, port: Int, from source: String? = nil) throws {
        try self.init(family: AF_INET, address: Self.address(host, port: port), what: "\(host):\(port)", source: source)
    }

    private init<Address>(family: Int32, address: Address, what: String, source: String? = nil) throws {
        fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("cannot create a socket") }
        if let source {
            var local = Self.address(source, port: 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw TestFailure("cannot bind \(source)") }
        }
        var remote = address
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
        guard connected == 0 else { close(fd); throw TestFailure("cannot connect to \(what)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    private static func address(_ host: String, port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr(host)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return addr
    }

    /// Ends the connection (the descriptor is closed by deinit).
    public func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Sends everything; false if the peer closed first.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Sends without blocking until the peer stops taking bytes (or closed); returns how many it took.
    public func sendWhileTaken(_ bytes: [UInt8]) -> Int {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n <= 0 { break }
            offset += n
        }
        return offset
    }

    /// One line without its newline; at close, what came before it; nil on a close with
    /// nothing pending, or a timeout.
    public func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: 0x0a) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 {
                defer { buffered.removeAll() }
                return buffered.isEmpty ? nil : String(decoding: buffered, as: UTF8.self)
            }
            buffered.append(contentsOf: chunk[..<n])
        }
    }
}
