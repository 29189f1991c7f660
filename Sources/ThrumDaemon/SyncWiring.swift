import Logging
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore
import ThrumSync
import ThrumTailscale

/// Builds Tailscale sync for the daemon: the peer registry, the manager, and
/// the sync port's service with its security gate.
enum SyncWiring {
    static func make(config: ThrumConfig, identity: DaemonIdentity, store: StoreThreads, logger: Logger,
                     messageArrivals: ChangeSignal, changes: ChangeFeed, metrics: DaemonMetrics,
                     history: OwnHistory) throws -> (any SyncControl)? {
        let registry = PeerRegistry(path: config.peersPath)
        if let problem = registry.registryProblem {
            logger.error("sync: \(problem)", metadata: ["component": "sync"])
        }
        var options = SyncManager.Options()
        options.validator = PipelineValidator(policy: ValidationPolicy(config: config))
        options.metrics = metrics.sync
        let manager = SyncManager(config: config, identity: identity, store: store, registry: registry, logger: logger,
                                  options: options, onDelivered: { changes.delivered($0) }) { applied in
            metrics.applied(applied, localDaemon: identity.daemonID)
            messageArrivals.signalIfMessages(applied)
            changes.record(applied)
        }
        // Weak: the manager's onApplied already holds the metrics.
        metrics.beforeRendering { [weak manager] in manager?.showPeerMetrics() }
        let localAPI = LocalAPIClient(socketPath: config.tailscaleSocket)
        let security = SyncSecurity(config: config, localAPI: localAPI, metrics: metrics.sync, logger: logger)
        let discovery = PeerDiscovery(manager: manager, config: config, logger: logger) { () throws(LocalAPIError) in
            try await localAPI.status()
        }
        if let forks = try? store.writer.forks().count { metrics.sync.forksKnown(forks) }
        return SyncBridge(manager: manager, service: manager.makeSyncServer(gate: security.gate), discovery: discovery,
                          recovery: HistoryRecovery(manager: manager, history: history, logger: logger))
    }
}

/// The sync manager as the control handlers see it.
struct SyncBridge: SyncControl {
    let manager: SyncManager
    let service: SyncServer
    let discovery: PeerDiscovery
    let recovery: HistoryRecovery

    var rpcService: any RPCService { service }

    /// The first sync's check of this daemon's own history, then the periodic sync and
    /// discovery, until the daemon stops.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await recovery.run() }
            group.addTask { await discovery.run() }
            group.addTask { await manager.run() }
        }
    }
    func summary() -> ControlResults.TailscaleSync { ControlResults.TailscaleSync(manager.summary()) }
    func peerSummaries() -> [ControlResults.PeerSummary] { manager.peerSummaries().map(ControlResults.PeerSummary.init) }
    func traffic() -> ControlResults.SyncTraffic { ControlResults.SyncTraffic(manager.traffic.snapshot) }
    func forceSync() async -> [ControlResults.PeerSyncOutcome] {
        await manager.forceSync().map(ControlResults.PeerSyncOutcome.init)
    }
    func localWriteHappened() { manager.localWriteHappened() }
    func listening(on description: String?) { manager.setListening(description) }

    func addPeer(address: String) async throws -> AddedPeer {
        do {
            return AddedPeer(try await manager.addPeer(address: address))
        } catch {
            throw RPCError.application(error.description)
        }
    }

    func removePeer(_ peer: String) throws -> RemovedPeers {
        do {
            return RemovedPeers(removed: try manager.removePeer(peer).map(AddedPeer.init))
        } catch .notFound(let message) {
            throw RPCError.notFound(message)
        } catch {
            throw RPCError.application(error.description)
        }
    }
}
