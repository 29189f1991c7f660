// Answers of the `tsync.*` methods.

extension ControlResults {
    /// One peer's pull, as `tsync.force` reports it.
    public struct PeerSyncOutcome: Codable, Sendable {
        public var peer: String
        public var daemonID: String
        public var applied: Int
        public var skipped: Int
        public var quarantined: Int
        public var error: String?
        public init(peer: String, daemonID: String, applied: Int, skipped: Int, quarantined: Int, error: String?) {
            self.peer = peer; self.daemonID = daemonID; self.applied = applied; self.skipped = skipped
            self.quarantined = quarantined; self.error = error
        }
        enum CodingKeys: String, CodingKey { case peer, daemonID = "daemon_id", applied, skipped, quarantined, error }
    }
}

public struct SyncOutcomes: Codable, Sendable {
    public var peers: [ControlResults.PeerSyncOutcome]
    public init(peers: [ControlResults.PeerSyncOutcome]) { self.peers = peers }
}

public struct PeerList: Codable, Sendable {
    public var peers: [ControlResults.PeerSummary]
    public init(peers: [ControlResults.PeerSummary]) { self.peers = peers }
}

/// A peer `tsync.peers.add` put into the registry (or `tsync.peers.remove` took out).
public struct AddedPeer: Codable, Sendable {
    public var daemonID: String
    public var hostname: String
    public var address: String
    public var fingerprint: String
    public init(daemonID: String, hostname: String, address: String, fingerprint: String) {
        self.daemonID = daemonID; self.hostname = hostname; self.address = address; self.fingerprint = fingerprint
    }
    enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", hostname, address, fingerprint }
}

/// The peers `thrum tsync peers remove` took out of the registry.
public struct RemovedPeers: Codable, Sendable {
    public var removed: [AddedPeer]
    public init(removed: [AddedPeer]) { self.removed = removed }
}
