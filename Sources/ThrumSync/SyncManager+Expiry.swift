import FoundationEssentials
import Logging
import ThrumCore

extension SyncManager {
    /// Drops, after a periodic pass, the peers that failed to answer and have had
    /// no successful sync (never synced: since they were added) for
    /// `THRUM_PEER_EXPIRY`; 0 keeps every peer. Only a peer this daemon is failing
    /// to reach now can expire, so one that was off for long, but answers, stays.
    @discardableResult
    func dropExpiredPeers(now: Date = Date(), logger: Logger) -> [PeerRecord] {
        let expiry = config.peerExpiry
        guard expiry > 0 else { return [] }
        let failing = Set(registry.all().map(\.daemonID).filter {
            backoff.state(of: $0) != nil && !flights.isRunning($0)
        })
        let dropped: [PeerRecord]
        do {
            // Checked again under the registry's lock: a sync that just succeeded keeps the peer.
            dropped = try drop { peer in
                guard failing.contains(peer.daemonID), let seen = Timestamp.parse(peer.lastSync ?? peer.addedAt) else {
                    return false
                }
                return now.timeIntervalSince(seen) >= expiry
            }
        } catch {
            logger.error("periodic_sync: cannot drop expired peers from peers.json: \(error)")
            return []
        }
        for peer in dropped {
            let seen = Timestamp.parse(peer.lastSync ?? peer.addedAt) ?? now
            let unseen = Timestamp.age(seconds: Int(now.timeIntervalSince(seen)))
            let since = peer.lastSync.map { "last sync \($0)" } ?? "never synced, added \(peer.addedAt)"
            logger.notice("periodic_sync: dropped peer \(peer.daemonID) (\(peer.hostname)) at \(peer.address): unseen for \(unseen) (\(since)), longer than THRUM_PEER_EXPIRY=\(Self.expiryText(expiry)); discovery or thrum tsync peers add brings it back",
                          metadata: ["peer": "\(peer.daemonID)"])
        }
        return dropped
    }

    /// `7d`, `36h0m0s`: how THRUM_PEER_EXPIRY reads back.
    static func expiryText(_ seconds: Double) -> String {
        seconds.truncatingRemainder(dividingBy: 86400) == 0 ? "\(Int(seconds / 86400))d" : GoDuration.format(seconds: seconds)
    }
}
