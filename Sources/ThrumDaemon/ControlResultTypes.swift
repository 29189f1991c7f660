import ThrumCore
import ThrumStore

// Results of control methods whose content comes from the store's projections.
// Public because the CLI and the MCP server decode them.

public struct AgentList: Codable, Sendable { public var agents: [AgentRecord] }
public struct GroupList: Codable, Sendable { public var groups: [GroupRecord] }
public struct MessageList: Codable, Sendable { public var messages: [MessageRecord] }
public struct PeerList: Codable, Sendable { public var peers: [ControlResults.PeerSummary] }
public struct QuarantineList: Codable, Sendable {
    public var events: [QuarantinedEvent]
    /// Older entries dropped by THRUM_QUARANTINE_MAX_EVENTS / _MAX_BYTES since the daemon started.
    public var dropped: Int
}
public struct ConflictList: Codable, Sendable { public var conflicts: [Conflict] }
public struct SyncOutcomes: Codable, Sendable { public var peers: [ControlResults.PeerSyncOutcome] }
/// The peers `thrum tsync peers remove` took out of the registry.
public struct RemovedPeers: Codable, Sendable { public var removed: [AddedPeer] }

public struct WaitResult: Codable, Sendable {
    public var message: MessageRecord?
    public var timedOut: Bool
    enum CodingKeys: String, CodingKey { case message, timedOut = "timed_out" }
}

public struct AddedPeer: Codable, Sendable {
    public var daemonID: String
    public var hostname: String
    public var address: String
    public var fingerprint: String
    enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", hostname, address, fingerprint }
}

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
    /// Agents registered on this daemon that another daemon registered first and owns.
    public var agentsOwnedElsewhere: [AgentRecord] = []
    /// The database and write-ahead log files together, in bytes (nil from a daemon older than this field).
    public var logBytes: Int64?
    /// The timestamp of the oldest event in the log; nil when it is empty.
    public var oldestEvent: String?
    /// THRUM_RETENTION in seconds; nil when everything is kept.
    public var retentionSeconds: Int?
    public var tailscaleSync: ControlResults.TailscaleSync
    enum CodingKeys: String, CodingKey {
        case daemonID = "daemon_id", version, hostname, uptimeSeconds = "uptime_seconds", stateDirectory = "state_dir"
        case logBytes = "log_bytes", oldestEvent = "oldest_event", retentionSeconds = "retention_seconds"
        case socket, eventCount = "event_count", latestSeq = "latest_seq", agentCount = "agent_count"
        case storeProblem = "store_problem", agentsOwnedElsewhere = "agents_owned_elsewhere"
        case tailscaleSync = "tailscale_sync"
    }
}
