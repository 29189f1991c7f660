/// What the sync manager knows of its peers now: the daemon's health and status show it.
public struct SyncSummary: Sendable, Equatable {
    public var enabled: Bool
    public var hostname: String
    public var peers: [PeerSyncState]
    /// The newest of the peers' last syncs.
    public var lastSync: String?
    /// Where the sync port listens; nil when it is not open.
    public var listening: String?
    public var registryProblem: String?

    public var peerCount: Int { peers.count }
}

/// One peer with its last sync and backoff.
public struct PeerSyncState: Sendable, Equatable {
    public var daemonID: String
    public var hostname: String
    public var address: String
    public var lastSync: String?
    /// "idle", "syncing" or "error: …".
    public var status: String
    /// Failed attempts in a row (in memory).
    public var failures: Int
    /// While backing off: when the next attempt is due, and how long until then.
    public var retryAt: String?
    public var retryInMilliseconds: Int?
}
