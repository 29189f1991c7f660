import ThrumRPC

/// Where the sync port's security plugs in: WhoIs authorization per connection
/// and rate limiting per request (DESIGN §7). Both default to allowing all, so
/// the sync code works on its own and `SyncSecurity` fills them in.
public struct SyncGate: Sendable {
    /// Decides once per connection, before anything is read from it.
    public var admission: @Sendable (RPCPeer) async -> RPCError?
    /// Decides per request (method name given), e.g. 429 or 503 with retry_after_ms.
    public var requestGate: @Sendable (RPCPeer, String) async -> RPCError?
    /// Called once a request the gate let through has been answered, so the
    /// gate can count requests in flight.
    public var requestDone: @Sendable (RPCPeer) -> Void
    /// The name a let-through request's peer is counted under in the metrics: a value from
    /// a bounded set (never the remote port, which changes with every connection).
    public var peerName: @Sendable (RPCPeer) -> String

    public init(admission: @escaping @Sendable (RPCPeer) async -> RPCError? = { _ in nil },
                requestGate: @escaping @Sendable (RPCPeer, String) async -> RPCError? = { _, _ in nil },
                requestDone: @escaping @Sendable (RPCPeer) -> Void = { _ in },
                peerName: @escaping @Sendable (RPCPeer) -> String = SyncGate.address(of:)) {
        self.admission = admission
        self.requestGate = requestGate
        self.requestDone = requestDone
        self.peerName = peerName
    }

    /// The peer's IP address, without its port.
    public static func address(of peer: RPCPeer) -> String {
        switch peer.origin {
        case let .tcp(ip, _): return ip
        case .unix: return "local"
        case .unknown: return "unknown"
        }
    }

    public static let allowAll = SyncGate()
}
