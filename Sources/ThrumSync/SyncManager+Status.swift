import ThrumCore

extension SyncManager {
    /// The `tailscale_sync` object of `thrum health` / `thrum status`.
    public func summary() -> ControlResults.TailscaleSync {
        let peers = peerSummaries()
        return ControlResults.TailscaleSync(
            enabled: config.tailscaleEnabled, hostname: hostname, peerCount: peers.count, peers: peers,
            // RFC 3339 UTC timestamps of one format sort as text.
            lastSync: peers.compactMap(\.lastSync).max(), listening: listeningDescription,
            registryProblem: registry.registryProblem)
    }

    /// Every known peer with its last sync; "syncing" while a pull from it runs.
    public func peerSummaries() -> [ControlResults.PeerSummary] {
        registry.all().map { peer in
            ControlResults.PeerSummary(daemonID: peer.daemonID, hostname: peer.hostname, address: peer.address,
                                       lastSync: peer.lastSync,
                                       status: flights?.isRunning(peer.daemonID) == true ? "syncing" : peer.status)
        }
    }

    /// The known peers as stored (for `thrum tsync peers list --json`).
    public func peers() -> [PeerRecord] { registry.all() }
}
