/// The answer to `status`.
public struct StatusResult: Codable, Sendable {
    public var daemonID: String
    public var version: String
    public var hostname: String
    public var uptimeSeconds: Int
    public var stateDirectory: String
    public var socket: String
    public var eventCount: Int
    public var latestSeq: Int64
    public var agentCount: Int
    public var storeProblem: String?
    /// The database and write-ahead log files together, in bytes (nil from a daemon older than this field).
    public var logBytes: Int64?
    /// The timestamp of the oldest event in the log; nil when it is empty.
    public var oldestEvent: String?
    /// THRUM_RETENTION in seconds; nil when everything is kept.
    public var retentionSeconds: Int?
    public var tailscaleSync: ControlResults.TailscaleSync
    /// Proven forks (nil from a daemon older than chains).
    public var forks: [ControlResults.Fork]?
    public var ownHistory: ControlResults.OwnHistory?
    /// Live claims of every project (nil from a daemon older than claims).
    public var claims: ClaimCounts?

    public init(daemonID: String, version: String, hostname: String, uptimeSeconds: Int, stateDirectory: String,
                socket: String, eventCount: Int, latestSeq: Int64, agentCount: Int, storeProblem: String?,
                tailscaleSync: ControlResults.TailscaleSync) {
        self.daemonID = daemonID; self.version = version; self.hostname = hostname; self.uptimeSeconds = uptimeSeconds
        self.stateDirectory = stateDirectory; self.socket = socket; self.eventCount = eventCount
        self.latestSeq = latestSeq; self.agentCount = agentCount; self.storeProblem = storeProblem
        self.tailscaleSync = tailscaleSync
    }

    enum CodingKeys: String, CodingKey {
        case daemonID = "daemon_id", version, hostname, uptimeSeconds = "uptime_seconds", stateDirectory = "state_dir"
        case logBytes = "log_bytes", oldestEvent = "oldest_event", retentionSeconds = "retention_seconds"
        case socket, eventCount = "event_count", latestSeq = "latest_seq", agentCount = "agent_count"
        case storeProblem = "store_problem"
        case tailscaleSync = "tailscale_sync", forks, ownHistory = "own_history", claims
    }
}

/// Live claims this daemon holds, of every project: held, contested, and expiring within 10 minutes.
public struct ClaimCounts: Codable, Sendable, Equatable {
    public var live: Int
    public var held: Int
    public var contested: Int
    public var expiring: Int
    public init(live: Int, held: Int, contested: Int, expiring: Int) {
        self.live = live; self.held = held; self.contested = contested; self.expiring = expiring
    }
}
