import Synchronization

/// Counts what went over the wire, so tests and `thrum status` can see how
/// much a sync actually transferred (a resumed pull should move nothing), and
/// counts the same per peer into the metrics.
public final class SyncTraffic: Sendable {
    public struct Counts: Sendable, Equatable {
        /// Events received in `sync.pull` pages.
        public var eventsReceived = 0
        /// `sync.pull` requests answered.
        public var pagesReceived = 0
        /// `sync.peer_info` requests sent (key proofs before pulls).
        public var peerInfosSent = 0
        /// `sync.notify` requests that reached a peer.
        public var notifiesSent = 0
        /// `sync.notify` requests that failed (peer down, timeout, refusal).
        public var notifiesFailed = 0
        /// Waits a pull made because the peer answered 429/503 with `retry_after_ms`.
        public var retryWaits = 0
    }

    private let counts = Mutex(Counts())
    let metrics: SyncMetrics

    public init(metrics: SyncMetrics = SyncMetrics()) {
        self.metrics = metrics
    }

    public var snapshot: Counts { counts.withLock { $0 } }

    func pageReceived(from peer: String, events: Int) {
        counts.withLock { $0.pagesReceived += 1; $0.eventsReceived += events }
        metrics.count(SyncMetrics.Name.pagesReceived, [("peer", peer)])
        metrics.count(SyncMetrics.Name.eventsReceived, by: events, [("peer", peer)])
    }

    func keyProofSent(to peer: String) {
        counts.withLock { $0.peerInfosSent += 1 }
        metrics.count(SyncMetrics.Name.keyProofsSent, [("peer", peer)])
    }

    func notifySent(to peer: String, failed: Bool) {
        counts.withLock { failed ? ($0.notifiesFailed += 1) : ($0.notifiesSent += 1) }
        metrics.count(SyncMetrics.Name.notifiesSent, [("peer", peer), ("result", failed ? "failed" : "ok")])
    }

    func retryWaited(for peer: String) {
        counts.withLock { $0.retryWaits += 1 }
        metrics.count(SyncMetrics.Name.retryWaits, [("peer", peer)])
    }
}
