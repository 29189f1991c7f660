import ThrumControlAPI
import ThrumRPC

/// What the daemon needs from Tailscale sync. The sync manager provides it
/// (SyncWiring.swift); the control handlers see only this.
protocol SyncControl: Sendable {
    /// The `sync.*` service for the sync port.
    var rpcService: any RPCService { get }
    /// Background work (push, periodic pull, discovery) until cancelled.
    func run() async
    func summary() -> ControlResults.TailscaleSync
    func peerSummaries() -> [ControlResults.PeerSummary]
    func traffic() -> ControlResults.SyncTraffic
    func forceSync() async -> [ControlResults.PeerSyncOutcome]
    func addPeer(address: String) async throws -> AddedPeer
    func removePeer(_ peer: String) throws -> RemovedPeers
    /// Called after every local write (push notifications).
    func localWriteHappened()
    /// Where the sync port listens, or nil when it could not be opened.
    func listening(on description: String?)
}
