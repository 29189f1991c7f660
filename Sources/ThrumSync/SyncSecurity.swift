import Logging
import ThrumCore
import ThrumRPC
import ThrumTailscale

/// The sync port's gate as the daemon runs it (DESIGN §7): every connection
/// and every request is authorized by tailscaled's WhoIs of the remote address
/// (cached per IP), then counted against the peer's token bucket and the
/// port's global in-flight limit.
public final class SyncSecurity: Sendable {
    /// How long a 503 asks the peer to wait.
    static let overloadedRetryMilliseconds = 250

    let authorizer: PeerAuthorizer
    let cache: WhoIsCache
    let limiter: RateLimiter?
    let requestCap: SyncRequestCap
    let whois: @Sendable (String, Int) async throws(LocalAPIError) -> WhoIs?
    let metrics: SyncMetrics
    let logger: Logger

    /// - Parameter whois: tailscaled's answer for a remote `ip`, `port`.
    public init(policy: AuthorizationPolicy, rateLimit: (perSecond: Double, burst: Int)?, maxInFlight: Int,
                cache: WhoIsCache = WhoIsCache(), metrics: SyncMetrics = SyncMetrics(), logger: Logger,
                whois: @escaping @Sendable (String, Int) async throws(LocalAPIError) -> WhoIs?) {
        authorizer = PeerAuthorizer(policy: policy)
        self.cache = cache
        limiter = rateLimit.map { RateLimiter(ratePerSecond: $0.perSecond, burst: $0.burst) }
        requestCap = SyncRequestCap(capacity: maxInFlight)
        self.whois = whois
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "component"] = "sync_auth"
        self.logger = logger
    }

    /// The daemon's settings, asking the tailscaled at `THRUM_TAILSCALE_SOCKET`.
    public convenience init(config: ThrumConfig, localAPI: LocalAPIClient, metrics: SyncMetrics = SyncMetrics(), logger: Logger) {
        self.init(policy: AuthorizationPolicy(config: config),
                  rateLimit: config.rateLimitEnabled ? (config.maxRequestsPerSecond, config.burstSize) : nil,
                  maxInFlight: config.maxQueueDepth, metrics: metrics, logger: logger) { ip, port throws(LocalAPIError) in
            try await localAPI.whois(ip: ip, port: port)
        }
    }

    public var gate: SyncGate {
        SyncGate(admission: { [self] peer in await admit(peer) },
                 requestGate: { [self] peer, _ in await gateRequest(from: peer) },
                 requestDone: { [self] _ in requestCap.leave() },
                 peerName: { [cache] peer in
                     // The host the [sync_auth] line named; the request was just authorized, so it is cached.
                     guard case let .tcp(ip, _) = peer.origin, let decision = cache.decision(for: ip) else {
                         return SyncGate.address(of: peer)
                     }
                     return decision.host
                 })
    }

    /// Authorizes a new connection; a refusal is sent and the connection closed.
    func admit(_ peer: RPCPeer) async -> RPCError? {
        await authorize(peer).allowed ? nil : Self.refusal
    }

    /// Authorizes (from the cache, so a peer cut off by tailscaled or a changed
    /// map is refused within the cache's lifetime even on an open connection),
    /// then rate limits per peer identity, then takes an in-flight slot.
    func gateRequest(from peer: RPCPeer) async -> RPCError? {
        let decision = await authorize(peer)
        guard decision.allowed else { return Self.refusal }
        if let limiter, case let .limited(milliseconds) = limiter.admit(decision.host) {
            metrics.refused(listener: "sync", code: RPCError.rateLimitedCode, reason: "rate_limit")
            logger.debug("[sync_auth] rate limited peer \(decision.host) at \(peer); retry after \(milliseconds) ms")
            return .retryable(code: RPCError.rateLimitedCode,
                              message: "rate limited: too many sync requests from \(decision.host); retry after \(milliseconds) ms",
                              retryAfterMilliseconds: milliseconds)
        }
        guard requestCap.enter() else {
            metrics.refused(listener: "sync", code: RPCError.overloadedCode, reason: "queue_full")
            logger.warning("[sync_auth] sync port overloaded: refusing a request from \(decision.host) (THRUM_SECURITY_MAX_QUEUE_DEPTH reached)")
            return .retryable(code: RPCError.overloadedCode, message: "overloaded: too many sync requests in flight; retry later",
                              retryAfterMilliseconds: Self.overloadedRetryMilliseconds)
        }
        return nil
    }

    /// The decision for the peer's address, logged when it is made afresh.
    func authorize(_ peer: RPCPeer) async -> AuthorizationDecision {
        guard case let .tcp(ip, port) = peer.origin else {
            return AuthorizationDecision(allowed: false, host: "\(peer)", login: "", tags: [],
                                         reasons: ["not a TCP connection"])
        }
        if let cached = cache.decision(for: ip) { return cached }
        let whois = self.whois
        let decision = await cache.authorize(remoteIP: ip, with: authorizer) { () throws(LocalAPIError) -> WhoIs? in
            try await whois(ip, port)
        }
        metrics.decided(.whois, allowed: decision.allowed)
        var logger = logger
        logger[metadataKey: "peer"] = "\(decision.host)"
        if decision.allowed {
            logger.info("\(decision.logLine)")
        } else {
            logger.warning("\(decision.logLine)")
        }
        return decision
    }

    /// What a refused peer is told; the reasons stay in this daemon's log.
    static let refusal = RPCError(code: RPCError.unauthorizedCode,
                                  message: "not authorized to sync with this daemon; its log ([sync_auth] DENIED) says why")
}
