import Synchronization
import ThrumTailscale

/// Remembers authorization decisions per remote IP (not port: a peer opens connections from
/// many ports) so a burst of sync connections costs one LocalAPI call, not one each.
///
/// It stores decisions rather than raw WhoIs answers: the policy is fixed for the daemon's life,
/// so the decision is all a later connection needs. A decision made because tailscaled could not
/// be asked is kept only for `failureTTL`, so sync recovers within a second of tailscaled's return.
public final class WhoIsCache: Sendable {
    private struct Entry {
        var decision: AuthorizationDecision
        var expires: ContinuousClock.Instant
    }

    private let ttl: Duration
    private let failureTTL: Duration
    private let maxEntries: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])

    public init(
        ttl: Duration = .seconds(30),
        failureTTL: Duration = .seconds(1),
        maxEntries: Int = 4096,
        clock now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.ttl = ttl
        self.failureTTL = min(failureTTL, ttl)
        self.maxEntries = max(1, maxEntries)
        self.now = now
    }

    /// The remembered decision for `remoteIP`, if it has not expired.
    public func decision(for remoteIP: String) -> AuthorizationDecision? {
        let instant = now()
        return entries.withLock { entries in
            guard let entry = entries[remoteIP] else { return nil }
            guard entry.expires > instant else {
                entries[remoteIP] = nil
                return nil
            }
            return entry.decision
        }
    }

    public func store(_ decision: AuthorizationDecision, for remoteIP: String) {
        let instant = now()
        let expires = instant.advanced(by: decision.lookupFailed ? failureTTL : ttl)
        entries.withLock { entries in
            if entries[remoteIP] == nil && entries.count >= maxEntries {
                Self.makeRoom(in: &entries, at: instant)
            }
            entries[remoteIP] = Entry(decision: decision, expires: expires)
        }
    }

    /// The cached decision for `remoteIP`, or a fresh one from `lookup` (tailscaled's whois),
    /// remembered for next time. A failed lookup denies: fail closed.
    public func authorize(
        remoteIP: String,
        with authorizer: PeerAuthorizer,
        lookup: () async throws(LocalAPIError) -> WhoIs?
    ) async -> AuthorizationDecision {
        if let cached = decision(for: remoteIP) { return cached }
        let decision: AuthorizationDecision
        do {
            decision = authorizer.authorize(try await lookup(), remoteIP: remoteIP)
        } catch {
            decision = authorizer.denyUnreachable(remoteIP: remoteIP, error: error)
        }
        store(decision, for: remoteIP)
        return decision
    }

    /// Drops expired entries, and if none had expired, the one closest to expiring.
    private static func makeRoom(in entries: inout [String: Entry], at instant: ContinuousClock.Instant) {
        entries = entries.filter { $0.value.expires > instant }
        if let soonest = entries.min(by: { $0.value.expires < $1.value.expires }) {
            entries[soonest.key] = nil
        }
    }
}
