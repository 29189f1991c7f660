import ThrumCore
import ThrumStore

/// What one pull from a peer did: what `SyncClient` reports, what the manager
/// records in the registry and backoff, and what `tsync.force` shows.
public struct PullOutcome: Sendable {
    /// The peer's sync address.
    public var peer: String
    public var daemonID: String
    public var applied = 0
    public var skipped = 0
    public var quarantined = 0
    /// Events that came over the wire, whatever became of them.
    public var received = 0
    /// The checkpoint after the pull.
    public var checkpoint: Int64 = 0
    /// The peer's own peers, as its last page said (nil when it did not say).
    public var peersOfPeer: Set<String>?
    /// What the peer holds, as its last page said (nil from a peer that does not say).
    public var peerFrontier: LogFrontier?
    /// Forks this pull proved here: new, or earlier than the one known for that origin.
    public var forks: [ForkProof] = []
    /// Messages the peer's frontier showed delivered to one of its agents for the first time.
    public var delivered: [String] = []
    /// Set when the pull did not start or stopped before the peer had nothing
    /// more; what was applied before it stays applied.
    public var error: SyncPullError?

    public init(peer: String, daemonID: String, error: SyncPullError? = nil) {
        self.peer = peer
        self.daemonID = daemonID
        self.error = error
    }
}
