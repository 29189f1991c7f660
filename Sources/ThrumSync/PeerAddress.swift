import ThrumCore
import ThrumRPC

/// A peer's sync address as people type it: `host:port`, `[v6]:port`, or a
/// bare host name meaning the configured sync port.
struct PeerAddress: Sendable, Equatable, CustomStringConvertible {
    var hostPort: HostPort

    init(parsing text: String, defaultPort: Int) throws(SyncManagerError) {
        let trimmed = text.trimmingWhitespace
        if let parsed = HostPort(parsing: trimmed) {
            hostPort = parsed
        } else if !trimmed.isEmpty, !trimmed.contains(":"), !trimmed.contains("/"), !trimmed.contains(" ") {
            hostPort = HostPort(host: trimmed, port: defaultPort)
        } else {
            throw .badAddress("\"\(text)\" is not a peer address; use HOST:PORT, e.g. workstation.tailnet.ts.net:\(defaultPort)")
        }
    }

    var endpoint: RPCEndpoint { .tcp(host: hostPort.host, port: hostPort.port) }
    var description: String { hostPort.description }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
