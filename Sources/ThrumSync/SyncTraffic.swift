import Synchronization

/// Counts what went over the wire, so tests and `thrum status` can see how
/// much a sync actually transferred (a resumed pull should move nothing).
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

    public init() {}

    public var snapshot: Counts { counts.withLock { $0 } }

    func record(_ change: (inout Counts) -> Void) {
        counts.withLock { change(&$0) }
    }
}
