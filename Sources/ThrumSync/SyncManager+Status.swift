import FoundationEssentials
import ThrumCore

extension SyncManager {
    /// The `tailscale_sync` object of `thrum health` / `thrum status`.
    public func summary() -> SyncSummary {
        let peers = peerSummaries()
        return SyncSummary(
            enabled: config.tailscaleEnabled, hostname: hostname, peers: peers,
            // RFC 3339 UTC timestamps of one format sort as text.
            lastSync: peers.compactMap(\.lastSync).max(), listening: listeningDescription,
            registryProblem: registry.registryProblem)
    }

    /// Every known peer with its last sync and backoff; "syncing" while a pull from it runs.
    public func peerSummaries() -> [PeerSyncState] {
        let now = Date()
        return registry.all().map { peer in
            let backingOff = backoff.state(of: peer.daemonID)
            let wait = backingOff.map { Int($0.remaining / .milliseconds(1)) }
            return PeerSyncState(
                daemonID: peer.daemonID, hostname: peer.hostname, address: peer.address, lastSync: peer.lastSync,
                status: flights.isRunning(peer.daemonID) ? "syncing" : peer.status,
                failures: backingOff?.entry.failures ?? 0,
                retryAt: wait.map { Timestamp.format(now.addingTimeInterval(Double($0) / 1000)) }, retryInMilliseconds: wait)
        }
    }

    /// Sets the per-peer gauges of `/metrics` (lag, last sync age) from what is known now.
    public func showPeerMetrics() {
        options.metrics.showPeers(registry.all(), now: Date())
    }
}
