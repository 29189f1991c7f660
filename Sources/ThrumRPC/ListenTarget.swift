#if canImport(Glibc)
import Glibc
#endif

/// Where a line-RPC server listens.
public enum ListenTarget: Sendable, CustomStringConvertible {
    /// A unix socket the server binds itself, then chmods to `mode`.
    case unixPath(String, mode: UInt32)
    /// TCP on `host:port`, optionally pinned to one interface (SO_BINDTODEVICE).
    case tcp(host: String, port: Int, device: String?)
    /// An already listening socket inherited from systemd.
    case inherited(fd: Int32, name: String)

    public var description: String {
        switch self {
        case let .unixPath(path, _): return path
        case let .tcp(host, port, device?): return "\(host.contains(":") ? "[\(host)]" : host):\(port) on \(device)"
        case let .tcp(host, port, nil): return "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case let .inherited(fd, name): return "inherited socket \"\(name)\" (fd \(fd))"
        }
    }
}

public struct ListenError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A listening TCP socket bound to one network interface. NIO's bootstrap cannot
/// set SO_BINDTODEVICE (it takes a string), so the socket is made here and
/// handed to NIO as a bound socket.
enum DeviceBoundSocket {
    static func make(host: String, port: Int, device: String) throws(ListenError) -> Int32 {
        let isV6 = host.contains(":")
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ListenError("cannot create a socket: \(errnoText())") }
        func fail(_ what: String) -> ListenError {
            let text = errnoText()
            close(fd)
            return ListenError("\(what): \(text)")
        }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = device.withCString { name in
            setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, socklen_t(strlen(name) + 1))
        }
        if rc != 0 {
            if errno == ENODEV { close(fd); throw ListenError("network interface \(device) does not exist (is tailscaled running and up?)") }
            throw fail("cannot bind to interface \(device)")
        }
        let bound: Int32
        if isV6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else { close(fd); throw ListenError("\(host) is not an IPv6 address") }
            bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { close(fd); throw ListenError("\(host) is not an IPv4 address") }
            bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard bound == 0 else { throw fail("cannot listen on port \(port) of \(device)") }
        guard listen(fd, 128) == 0 else { throw fail("listen on \(device) failed") }
        return fd
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
