import Logging
import Synchronization
import ThrumCore
import ThrumRPC
import ThrumStore
import ThrumSystem

/// The daemon's sync orchestrator (DESIGN §6): pulls from peers (single flight
/// per peer), pushes notifies after local writes, serves notifies by pulling,
/// and runs the periodic fallback. Everything a restart needs is in the store
/// (checkpoints) and `peers.json`; nothing here has to survive a crash.
public final class SyncManager: Sendable {
    /// Knobs with the protocol's defaults; tests shrink them.
    public struct Options: Sendable {
        /// Events per `sync.pull` page (1…1000).
        public var pageLimit = PullParams.maximumLimit
        /// Per request of a pull, and the connect timeout (capped at 5 s).
        public var pullTimeout: Duration = .seconds(30)
        /// Connect and answer timeout of a notify: short, it is fire-and-forget.
        public var notifyTimeout: Duration = .seconds(2)
        /// After a notify, writes within this gap are folded into one more notify.
        public var notifyQuietGap: Duration = .milliseconds(2)
        /// Timeout of `sync.peer_info` when adding a peer.
        public var addPeerTimeout: Duration = .seconds(10)
        public var validator: any EventValidator = PipelineValidator()
        /// Backoff of an unreachable peer: first wait, and the most it doubles to.
        public var backoffInitial: Duration = .seconds(1)
        public var backoffMaximum: Duration = .seconds(300)
        /// Where sync counts for `/metrics`; counts nothing by default.
        public var metrics = SyncMetrics()
        /// The clock backoff reads; tests move it by hand.
        var clock: @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }

        public init() {}
    }

    let config: ThrumConfig
    let identity: DaemonIdentity
    let store: StoreThreads
    let registry: PeerRegistry
    let options: Options
    let logger: Logger
    let onApplied: @Sendable ([StoredEvent]) -> Void
    /// Told after each pull or notify that noted a peer's advertised frontier, with the messages
    /// it shows delivered there for the first time (often none): what peers hold moved.
    let onDelivered: @Sendable ([String]) -> Void
    /// Counts of what crossed the wire.
    public let traffic: SyncTraffic
    let hostname: String
    let client: SyncClient
    let backoff: PeerBackoff
    /// Backoff bookkeeping of pulls and notifies, with its log lines.
    let reachability: PeerReachability
    private let listening = Mutex<String?>(nil)
    /// Each peer's version vector as its last notify said: whom a relay can skip.
    let peerVectors = Mutex<[String: VersionVector]>([:])
    private let closed = Atomic<Bool>(false)

    /// One pull per peer at a time; each request names `performPull` as the work.
    let flights = SingleFlight<String, PullOutcome>()
    let notifier: PushNotifier

    public init(config: ThrumConfig, identity: DaemonIdentity, store: StoreThreads, registry: PeerRegistry,
                logger: Logger, options: Options = Options(),
                onDelivered: @escaping @Sendable ([String]) -> Void = { _ in },
                onApplied: @escaping @Sendable ([StoredEvent]) -> Void) {
        self.config = config
        self.identity = identity
        self.store = store
        self.registry = registry
        self.options = options
        var logger = logger
        logger[metadataKey: "component"] = "sync"
        self.logger = logger
        self.onApplied = onApplied
        self.onDelivered = onDelivered
        traffic = SyncTraffic(metrics: options.metrics)
        hostname = config.tailscaleHostname ?? HostName.current()
        backoff = PeerBackoff(initial: options.backoffInitial, maximum: options.backoffMaximum, now: options.clock)
        var quarantineLogger = logger
        quarantineLogger[metadataKey: "component"] = "quarantine"
        client = SyncClient(store: store, localDaemon: identity.daemonID, validator: options.validator, traffic: traffic,
                            pageLimit: options.pageLimit, timeout: options.pullTimeout, logger: quarantineLogger)
        // Built in dependency order: what the notifier reports to and announces exists before it.
        let reachability = PeerReachability(backoff: backoff, registry: registry, logger: logger)
        self.reachability = reachability
        notifier = PushNotifier(quietGap: options.notifyQuietGap, timeout: options.notifyTimeout, traffic: traffic,
                                logger: logger,
                                announcement: { [store, identity, logger] in
                                    await Self.announcement(of: identity, in: store, logger: logger)
                                },
                                sent: { target, error in reachability.notifySent(to: target, error: error) })
    }

    var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// The service for the sync port's `LineRPCServer`; `gate` is where
    /// authorization and rate limiting plug in.
    public func makeSyncServer(gate: SyncGate = .allowAll, byteBudget: Int = SyncServer.defaultByteBudget) -> SyncServer {
        SyncServer(store: store, gate: gate, byteBudget: byteBudget, metrics: options.metrics, logger: logger,
                   info: { [identity, hostname, store] challenge in
                       PeerInfo(daemonID: identity.daemonID, hostname: hostname, publicKey: identity.publicKeyBase64,
                                fingerprint: identity.fingerprint, version: ThrumVersion.current,
                                latestSeq: store.latestSeq,
                                challengeSignature: challenge.map { PeerProof.sign(challenge: $0, as: identity) })
                   },
                   peers: { [registry] in registry.all().map(\.daemonID) }, daemonID: identity.daemonID,
                   onNotify: { [weak self] params, peer in
                       await self?.notified(params, by: peer) ?? .ok
                   })
    }

    /// What the sync port listens on, for `thrum status`.
    public func setListening(_ description: String?) {
        listening.withLock { $0 = description }
    }

    var listeningDescription: String? { listening.withLock { $0 } }

    // MARK: Pull

    /// Pulls from `peer` now (or joins the pull that will start next) and
    /// returns what that pull did.
    public func pull(from peer: PeerRecord) async -> PullOutcome {
        guard !isClosed else { return PullOutcome(peer: peer.address, daemonID: peer.daemonID, error: .cancelled) }
        return await flights.run(peer.daemonID) { await self.performPull($0) }
    }

    /// Pulls from every known peer at once; one outcome per peer.
    public func forceSync() async -> [PullOutcome] {
        let peers = registry.all()
        return await withTaskGroup(of: (Int, PullOutcome).self) { group in
            for (index, peer) in peers.enumerated() {
                group.addTask { (index, await self.pull(from: peer)) }
            }
            var outcomes = [PullOutcome?](repeating: nil, count: peers.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.compactMap { $0 }
        }
    }

    /// Asks for a pull without waiting; `whenDone` sees its outcome unless the
    /// request joined one already owed.
    @discardableResult
    func requestPull(_ daemonID: String, whenDone: (@Sendable (PullOutcome) -> Void)? = nil) -> Bool {
        guard !isClosed else { return false }
        return flights.trigger(daemonID, whenDone: whenDone) { await self.performPull($0) }
    }

    /// One pull, run by the single flight. Reads the peer afresh, so an address
    /// changed meanwhile is used.
    private func performPull(_ daemonID: String) async -> PullOutcome {
        guard let peer = registry.peer(daemonID: daemonID) else {
            return PullOutcome(peer: "", daemonID: daemonID, error: .unknownPeer(daemonID))
        }
        let endpoint: RPCEndpoint
        do {
            endpoint = try PeerAddress(parsing: peer.address, defaultPort: config.tailscalePort).endpoint
        } catch {
            return PullOutcome(peer: peer.address, daemonID: daemonID, error: .badAddress("\(error)"))
        }
        let onApplied = self.onApplied
        var outcome = await client.pull(from: endpoint, peerID: daemonID) { [weak self] applied, peersOfSource in
            onApplied(applied)
            self?.relay(applied, from: daemonID, peersOfSource: peersOfSource)
            self?.confirmDelivery(of: applied)
        }
        // As registered: the endpoint may spell it with the default port added.
        outcome.peer = peer.address
        if !outcome.forks.isEmpty { await forksProved(outcome.forks, by: daemonID) }
        if outcome.error == nil { onDelivered(outcome.delivered) }
        await recordResult(of: outcome)
        return outcome
    }

    private func recordResult(of report: PullOutcome) async {
        let daemonID = report.daemonID
        // A pull cut short by shutdown says nothing about the peer: keep its last status.
        if case .cancelled? = report.error { return }
        let logger = self.logger.aboutPeer(daemonID)
        let registry = self.registry
        do {
            // peers.json is written and fsynced after every pull: on the store's writer thread.
            _ = try await store.blockingIO {
                try registry.update(daemonID: daemonID) { record in
                    if let error = report.error {
                        record.status = "error: \(error)"
                    } else {
                        record.status = "idle"
                        record.lastSync = Timestamp.now()
                    }
                }
            }
        } catch {
            logger.error("sync: cannot record the sync time of \(daemonID) in peers.json: \(error)")
        }
        // Counted once the peer's record is written, so a scrape that sees the pull sees its time.
        options.metrics.pullFinished(from: daemonID, failed: report.error != nil)
        reachability.notePull(report, from: daemonID)
    }

    // MARK: Push

    /// Call after every local write: each known peer gets a (debounced)
    /// `sync.notify`. Returns at once; never waits for the network.
    public func localWriteHappened() {
        guard !isClosed else { return }
        notifier.localWrite(to: peersToContact().compactMap(pushTarget))
    }

    /// Where a peer's notifies go; nil for an address that does not parse.
    func pushTarget(_ peer: PeerRecord) -> PushNotifier.Target? {
        guard let address = try? PeerAddress(parsing: peer.address, defaultPort: config.tailscalePort) else { return nil }
        return PushNotifier.Target(daemonID: peer.daemonID, endpoint: address.endpoint)
    }

    /// This daemon's notify: its newest seq, event count and frontier.
    private static func announcement(of identity: DaemonIdentity, in store: StoreThreads, logger: Logger) async -> NotifyParams? {
        do {
            let frontier = try await store.read { try $0.frontier() }
            return NotifyParams(daemonID: identity.daemonID, latestSeq: store.latestSeq, eventCount: store.eventCount,
                                frontier: frontier)
        } catch {
            logger.error("sync.notify: cannot read the event log: \(error)")
            return nil
        }
    }

    /// A peer says it has new events: pull from it unless we already have them.
    func notified(_ params: NotifyParams, by peer: RPCPeer) async -> NotifyResult.Status {
        let logger = self.logger.aboutPeer(params.daemonID)
        guard params.daemonID != identity.daemonID, registry.peer(daemonID: params.daemonID) != nil else {
            logger.debug("sync.notify from \(params.daemonID) at \(peer), which is not a known peer; ignored (add it with thrum tsync peers add)")
            return .ok
        }
        reachability.heardFrom(params.daemonID)
        if let theirs = params.frontier {
            // Nothing to fetch unless it holds something we lack (an unreadable vector means pull).
            remember(theirs.have, of: params.daemonID)
            let peerID = params.daemonID
            if let delivered = try? await store.write({ try $0.notePeerFrontier(theirs.have, of: peerID) }) {
                onDelivered(delivered)
            }
            if let ours = try? await store.read({ try $0.frontier() }), !theirs.hasNews(for: ours) { return .ok }
        } else {
            // A peer that sends no vector: nothing to fetch when we already hold everything up
            // to its newest seq (never pulled from counts as 0; an unreadable checkpoint means pull).
            let peerID = params.daemonID
            let have = (try? await store.read { try $0.checkpoint(peer: peerID) }).map { $0?.lastSeq ?? 0 } ?? -1
            if have >= params.latestSeq { return .ok }
        }
        options.metrics.announced(latest: params.latestSeq, by: params.daemonID)
        requestPull(params.daemonID) { outcome in
            if let error = outcome.error {
                logger.warning("sync.notify: sync from \(params.daemonID) failed: \(error)")
            } else {
                logger.info("sync.notify: synced from \(params.daemonID) — applied=\(outcome.applied) skipped=\(outcome.skipped)")
            }
        }
        return .queued
    }

    // MARK: Lifecycle

    /// Stops pushing and pulling: cancels what is going on and waits for it.
    public func shutdown() async {
        closed.store(true, ordering: .releasing)
        await notifier.shutdown()
        await flights.cancelAndDrain()
    }
}
