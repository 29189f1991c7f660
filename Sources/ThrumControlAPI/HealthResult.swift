// The answer to `health`, and the sync part `status` shares with it.

extension ControlResults {
    public struct Health: Codable, Sendable {
        public var status: String
        public var daemonID: String
        public var version: String
        public var uptimeSeconds: Int
        public var eventCount: Int
        public var latestSeq: Int64
        public var tailscaleSync: TailscaleSync
        /// nil while sync is disabled.
        public var syncTraffic: SyncTraffic?
        /// Proven forks (nil from a daemon older than chains).
        public var forks: [Fork]?
        public var ownHistory: OwnHistory?
        public init(status: String, daemonID: String, version: String, uptimeSeconds: Int, eventCount: Int,
                    latestSeq: Int64, tailscaleSync: TailscaleSync, syncTraffic: SyncTraffic?) {
            self.status = status; self.daemonID = daemonID; self.version = version; self.uptimeSeconds = uptimeSeconds
            self.eventCount = eventCount; self.latestSeq = latestSeq; self.tailscaleSync = tailscaleSync
            self.syncTraffic = syncTraffic
        }
        enum CodingKeys: String, CodingKey {
            case status, daemonID = "daemon_id", version, uptimeSeconds = "uptime_seconds"
            case eventCount = "event_count", latestSeq = "latest_seq", tailscaleSync = "tailscale_sync"
            case syncTraffic = "sync_traffic", forks, ownHistory = "own_history"
        }
    }

    /// The seed's `tailscale_sync` health object, field for field (plus `registry_problem`).
    public struct TailscaleSync: Codable, Sendable {
        public var enabled: Bool
        public var hostname: String
        public var peerCount: Int
        public var peers: [PeerSummary]
        public var lastSync: String?
        public var listening: String?
        public var registryProblem: String?
        public init(enabled: Bool, hostname: String, peerCount: Int, peers: [PeerSummary], lastSync: String?,
                    listening: String?, registryProblem: String?) {
            self.enabled = enabled; self.hostname = hostname; self.peerCount = peerCount; self.peers = peers
            self.lastSync = lastSync; self.listening = listening; self.registryProblem = registryProblem
        }
        enum CodingKeys: String, CodingKey {
            case enabled, hostname, peerCount = "peer_count", peers, lastSync = "last_sync", listening
            case registryProblem = "registry_problem"
        }
    }

    /// One peer as the seed's health output shows it.
    public struct PeerSummary: Codable, Sendable, Equatable {
        public var daemonID: String
        public var hostname: String
        public var address: String
        public var lastSync: String?
        public var status: String
        /// Backoff (in memory): failed attempts in a row, and while waiting, when the next is due.
        public var failures: Int?
        public var retryAt: String?
        public var retryInMilliseconds: Int?
        public init(daemonID: String, hostname: String, address: String, lastSync: String?, status: String,
                    failures: Int? = nil, retryAt: String? = nil, retryInMilliseconds: Int? = nil) {
            self.daemonID = daemonID; self.hostname = hostname; self.address = address; self.lastSync = lastSync; self.status = status
            self.failures = failures; self.retryAt = retryAt; self.retryInMilliseconds = retryInMilliseconds
        }
        enum CodingKeys: String, CodingKey {
            case daemonID = "daemon_id", hostname, address, lastSync = "last_sync", status
            case failures, retryAt = "retry_at", retryInMilliseconds = "retry_in_ms"
        }
    }

    /// What this daemon's sync client has received and sent since it started.
    public struct SyncTraffic: Codable, Sendable, Equatable {
        public var eventsReceived: Int
        public var pagesReceived: Int
        public var notifiesSent: Int
        public var notifiesFailed: Int
        /// Waits because a peer answered 429/503 with `retry_after_ms`.
        public var retryWaits: Int
        /// `sync.peer_info` key proofs sent before pulls.
        public var peerInfosSent: Int
        public init(eventsReceived: Int, pagesReceived: Int, notifiesSent: Int, notifiesFailed: Int, retryWaits: Int = 0,
                    peerInfosSent: Int = 0) {
            self.eventsReceived = eventsReceived; self.pagesReceived = pagesReceived
            self.notifiesSent = notifiesSent; self.notifiesFailed = notifiesFailed
            self.retryWaits = retryWaits; self.peerInfosSent = peerInfosSent
        }
        enum CodingKeys: String, CodingKey {
            case eventsReceived = "events_received", pagesReceived = "pages_received"
            case notifiesSent = "notifies_sent", notifiesFailed = "notifies_failed", retryWaits = "retry_waits"
            case peerInfosSent = "peer_infos_sent"
        }
    }
}
