import NIOCore

/// Who is on the other end of a connection.
public struct RPCPeer: Sendable, CustomStringConvertible {
    public enum Origin: Sendable, Equatable {
        /// A local client on a unix socket, with its credentials from SO_PEERCRED.
        case unix(uid: UInt32, gid: UInt32, pid: Int32)
        /// A remote client over TCP.
        case tcp(ip: String, port: Int)
        case unknown
    }

    public let origin: Origin

    public init(origin: Origin) { self.origin = origin }

    /// A TCP peer as authorization must see it: an IPv4 client of a dual-stack (IPv6) socket
    /// arrives as `::ffff:a.b.c.d`, which tailscaled's WhoIs does not know; it is `a.b.c.d`.
    public static func tcp(ip: String, port: Int) -> RPCPeer {
        let mapped = "::ffff:"
        guard ip.count > mapped.count, ip.lowercased().hasPrefix(mapped) else { return RPCPeer(origin: .tcp(ip: ip, port: port)) }
        let rest = ip.dropFirst(mapped.count)
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return RPCPeer(origin: .tcp(ip: ip, port: port)) }
        return RPCPeer(origin: .tcp(ip: String(rest), port: port))
    }

    public var description: String {
        switch origin {
        case let .unix(uid, _, pid): return "uid=\(uid) pid=\(pid)"
        case let .tcp(ip, port): return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        case .unknown: return "unknown peer"
        }
    }
}

public enum RPCReply: Sendable {
    case result(any Encodable & Sendable)
    case error(RPCError)
}

/// What a line-RPC server serves: the control socket and the sync port each
/// implement one, with their own methods.
public protocol RPCService: Sendable {
    /// Called once per connection before any request is read. Returning an error
    /// sends it and closes the connection: nothing is served to a refused peer.
    func admit(_ peer: RPCPeer) async -> RPCError?
    func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply
}

extension RPCService {
    public func admit(_ peer: RPCPeer) async -> RPCError? { nil }
}
