import Logging
import ThrumCore
import ThrumRPC
import ThrumStore

/// Serves `sync.*` (and nothing else) on the sync port to other daemons.
public struct SyncServer: RPCService {
    /// Default cap on one pull response's events, so a page fits well inside
    /// the peers' 8 MiB line limit.
    public static let defaultByteBudget = 4 << 20

    let store: StoreThreads
    let info: @Sendable (_ challenge: String?) async throws -> PeerInfo
    /// This daemon's peers' IDs, sent with every page (`PullResult.peers`).
    let peers: @Sendable () -> [String]
    /// This daemon's ID, named in every page.
    let daemonID: String?
    let gate: SyncGate
    let byteBudget: Int
    let metrics: SyncMetrics
    let onNotify: @Sendable (NotifyParams, RPCPeer) async -> NotifyResult.Status
    let logger: Logger

    /// - Parameters:
    ///   - info: what `sync.peer_info` answers (its `latest_seq` read per call), signing the challenge if any.
    ///   - onNotify: what to do when a peer says it has new events.
    public init(store: StoreThreads, gate: SyncGate = .allowAll, byteBudget: Int = SyncServer.defaultByteBudget,
                metrics: SyncMetrics = SyncMetrics(), logger: Logger,
                info: @escaping @Sendable (_ challenge: String?) async throws -> PeerInfo,
                peers: @escaping @Sendable () -> [String] = { [] }, daemonID: String? = nil,
                onNotify: @escaping @Sendable (NotifyParams, RPCPeer) async -> NotifyResult.Status) {
        self.store = store
        self.info = info
        self.peers = peers
        self.daemonID = daemonID
        self.gate = gate
        self.byteBudget = byteBudget
        self.metrics = metrics
        self.onNotify = onNotify
        self.logger = logger
    }

    public func admit(_ peer: RPCPeer) async -> RPCError? {
        await gate.admission(peer)
    }

    public func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        guard let method = SyncMethod(rawValue: request.method) else {
            return .error(.methodNotFound(request.method))
        }
        if let refusal = await gate.requestGate(peer, request.method) { return .error(refusal) }
        defer { gate.requestDone(peer) }
        let reply = await answer(method, request, from: peer)
        var failed = false
        if case .error = reply { failed = true }
        metrics.requestReceived(method, from: gate.peerName(peer), failed: failed)
        return reply
    }

    private func answer(_ method: SyncMethod, _ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        do {
            switch method {
            case .pull: return .result(try await pull(try request.params(PullParams.self)))
            case .notify: return .result(try await notify(try request.params(NotifyParams.self), from: peer))
            case .peerInfo: return .result(try await peerInfo(try request.params(PeerInfoParams.self)))
            case .originEvents: return .result(try await originEvents(try request.params(OriginEventsParams.self)))
            }
        } catch {
            return .error(error)
        }
    }

    func pull(_ params: PullParams) async throws(RPCError) -> PullResult {
        try params.validate()
        let page: EventPage
        let latest: Int64
        let frontier: LogFrontier
        let proofs: [ForkProof]
        do {
            let byteBudget = self.byteBudget
            (page, latest, frontier, proofs) = try await store.read { store in
                (try store.events(afterSeq: params.afterSeq, limit: params.effectiveLimit, maxBytes: byteBudget,
                                  skipping: params.have ?? [:]),
                 try store.latestSeq(), try store.frontier(), try store.forkProofs(notIn: params.forks ?? [:]))
            }
        } catch {
            logger.error("sync.pull: cannot read the event log: \(error)")
            throw .internalError("the event log could not be read; try again later")
        }
        return PullResult(events: page.events.map(\.event), nextSeq: page.lastSeq, moreAvailable: page.more,
                          latestSeq: latest, peers: peers(), daemonID: daemonID, frontier: frontier,
                          proofs: proofs.isEmpty ? nil : proofs)
    }

    func originEvents(_ params: OriginEventsParams) async throws(RPCError) -> PullResult {
        try params.validate()
        let events: [Event]
        do {
            let byteBudget = self.byteBudget
            events = try await store.read { store in
                try store.events(origin: params.origin, from: params.from, through: params.through, maxBytes: byteBudget)
            }
        } catch {
            logger.error("sync.origin_events: cannot read the event log: \(error)")
            throw .internalError("the event log could not be read; try again later")
        }
        let last = events.last?.sequence ?? params.through
        return PullResult(events: events, nextSeq: last, moreAvailable: last < params.through, daemonID: daemonID)
    }

    func notify(_ params: NotifyParams, from peer: RPCPeer) async throws(RPCError) -> NotifyResult {
        try params.validate()
        return NotifyResult(status: await onNotify(params, peer))
    }

    func peerInfo(_ params: PeerInfoParams) async throws(RPCError) -> PeerInfo {
        try params.validate()
        do {
            return try await info(params.challenge)
        } catch {
            logger.error("sync.peer_info: cannot read the event log: \(error)")
            throw .internalError("the event log could not be read; try again later")
        }
    }
}
