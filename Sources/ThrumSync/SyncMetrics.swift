import FoundationEssentials
import Metrics
import Synchronization
import ThrumCore

/// What Tailscale sync counts for `/metrics` and `thrum metrics` (README "Metrics"), through
/// swift-metrics. The factory is handed in, never taken from `MetricsSystem`, so tests running
/// side by side each count into their own registry; the default counts nothing.
///
/// Label values are bounded: `peer` is the daemon ID of a registered peer, `host` the Tailscale
/// host name of a peer the sync port authorized, the others come from fixed sets.
public final class SyncMetrics: Sendable {
    public enum Name {
        public static let pulls = "thrum_sync_pulls_total"
        public static let pagesReceived = "thrum_sync_pages_received_total"
        public static let eventsReceived = "thrum_sync_events_received_total"
        public static let keyProofsSent = "thrum_sync_key_proofs_sent_total"
        public static let retryWaits = "thrum_sync_retry_waits_total"
        public static let notifiesSent = "thrum_sync_notifies_sent_total"
        public static let requestsReceived = "thrum_sync_requests_received_total"
        public static let quarantined = "thrum_sync_quarantined_events_total"
        public static let authDecisions = "thrum_sync_auth_decisions_total"
        public static let refusals = "thrum_refusals_total"
        public static let peers = "thrum_sync_peers"
        public static let peerLag = "thrum_sync_peer_lag"
        public static let lastSyncAge = "thrum_sync_peer_last_sync_age_seconds"
        public static let forks = "thrum_sync_forked_origins"
    }

    /// The `# HELP` text of each metric above.
    public static let help: [String: String] = [
        Name.pulls: "Pulls this daemon made from a peer (one per pull, however many pages), by result (ok, failed).",
        Name.pagesReceived: "sync.pull pages received from a peer.",
        Name.eventsReceived: "Events received in sync.pull pages from a peer, whatever became of them.",
        Name.keyProofsSent: "sync.peer_info key proofs sent to a peer before pulling.",
        Name.retryWaits: "Waits because a peer answered 429 or 503 with retry_after_ms.",
        Name.notifiesSent: "sync.notify sent to a peer, by result (ok, failed).",
        Name.requestsReceived: "Sync requests the sync port's gate let through, by method, the peer's Tailscale host name and result (ok, error).",
        Name.quarantined: "Events pulled from peers and quarantined, by validation stage.",
        Name.authDecisions: "[sync_auth] decisions, by check (whois: a new connection's address, key_proof: a peer's identity key) and outcome (allowed, denied).",
        Name.refusals: "Requests and connections refused because a listener was busy, by listener, answer code (429, 503) and reason (rate_limit, queue_full, connection_cap).",
        Name.peers: "Known peers (peers.json).",
        Name.peerLag: "A peer's newest seq, as its last page or last acted-on notify said, minus this daemon's checkpoint for it.",
        Name.lastSyncAge: "Seconds since the last successful pull from a peer.",
        Name.forks: "Daemons whose history is proven forked (two signed events for one sequence); thrum status lists them.",
    ]

    /// Which `[sync_auth]` check decided.
    public enum AuthCheck: String, Sendable {
        case whois
        case keyProof = "key_proof"
    }

    public let factory: any MetricsFactory
    /// Per peer: this daemon's checkpoint after its last page, and the peer's newest seq.
    private let progress = Mutex<[String: (checkpoint: Int64?, latest: Int64?)]>([:])
    /// Peers whose gauges are shown, so a removed peer's gauges can be dropped.
    private let shown = Mutex<Set<String>>([])

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    func count(_ name: String, by amount: Int = 1, _ dimensions: [(String, String)] = []) {
        Counter(label: name, dimensions: dimensions, factory: factory).increment(by: amount)
    }

    // MARK: Counting points

    func pullFinished(from peer: String, failed: Bool) {
        count(Name.pulls, [("peer", peer), ("result", failed ? "failed" : "ok")])
    }

    func requestReceived(_ method: SyncMethod, from host: String, failed: Bool) {
        count(Name.requestsReceived, [("method", method.rawValue), ("host", host), ("result", failed ? "error" : "ok")])
    }

    func quarantined(stage: String) {
        count(Name.quarantined, [("stage", stage)])
    }

    func decided(_ check: AuthCheck, allowed: Bool) {
        count(Name.authDecisions, [("check", check.rawValue), ("outcome", allowed ? "allowed" : "denied")])
    }

    /// A request or connection refused with `code` because `listener` was busy.
    public func refused(listener: String, code: Int, reason: String) {
        count(Name.refusals, [("listener", listener), ("code", "\(code)"), ("reason", reason)])
    }

    /// As a pull starts and after each of its pages: where this daemon's checkpoint for `peer`
    /// stands, and the peer's newest seq if a page said.
    func progressed(from peer: String, checkpoint: Int64, peerLatest: Int64?) {
        progress.withLock { table in
            let known = table[peer]?.latest
            table[peer] = (checkpoint, peerLatest ?? known)
        }
    }

    /// A notify that this daemon acts on (it pulls) says the peer's newest seq.
    func announced(latest: Int64, by peer: String) {
        progress.withLock { table in table[peer] = (table[peer]?.checkpoint, latest) }
    }

    /// How many origins this daemon holds a fork proof for.
    public func forksKnown(_ count: Int) {
        Meter(label: Name.forks, factory: factory).set(count)
    }

    // MARK: Gauges, set when /metrics is rendered

    /// Sets the per-peer gauges for `peers` as of `now`, and drops those of peers no longer known.
    /// A peer's lag appears once both its checkpoint and its newest seq are known.
    func showPeers(_ peers: [PeerRecord], now: Date) {
        let known = Set(peers.map(\.daemonID))
        Meter(label: Name.peers, factory: factory).set(peers.count)
        let table = progress.withLock { table in
            table = table.filter { known.contains($0.key) }
            return table
        }
        for peer in peers {
            if let entry = table[peer.daemonID], let checkpoint = entry.checkpoint, let latest = entry.latest {
                peerGauge(Name.peerLag, peer.daemonID).set(max(0, latest - checkpoint))
            }
            if let last = peer.lastSync.flatMap(Timestamp.parse) {
                peerGauge(Name.lastSyncAge, peer.daemonID).set(max(0, now.timeIntervalSince(last)))
            }
        }
        let gone = shown.withLock { shown in
            defer { shown = known }
            return shown.subtracting(known)
        }
        for peer in gone {
            peerGauge(Name.peerLag, peer).destroy()
            peerGauge(Name.lastSyncAge, peer).destroy()
        }
    }

    private func peerGauge(_ name: String, _ peer: String) -> Meter {
        Meter(label: name, dimensions: [("peer", peer)], factory: factory)
    }
}
