/// The control socket's methods (JSON-RPC over `THRUM_SOCKET`). The CLI and the
/// MCP server are both clients of exactly these; every CLI action is one method.
public enum ControlMethod: String, Sendable, CaseIterable {
    case status
    case health
    case identity
    case agentRegister = "agent.register"
    case agentList = "agent.list"
    case agentDeregister = "agent.deregister"
    case sessionStart = "session.start"
    case sessionEnd = "session.end"
    case sessionHeartbeat = "session.heartbeat"
    case messageSend = "message.send"
    case messageReply = "message.reply"
    case messageInbox = "message.inbox"
    case messageRead = "message.read"
    case messageEdit = "message.edit"
    case messageDelete = "message.delete"
    case messageWait = "message.wait"
    case groupCreate = "group.create"
    case groupJoin = "group.join"
    case groupLeave = "group.leave"
    case groupList = "group.list"
    case tsyncForce = "tsync.force"
    case tsyncPeersList = "tsync.peers.list"
    case tsyncPeersAdd = "tsync.peers.add"
    case tsyncPeersRemove = "tsync.peers.remove"
    case quarantineList = "quarantine.list"
    case conflictList = "conflict.list"
    case metrics
}

public enum ControlParams {
    public struct Agent: Codable, Sendable {
        public var agent: String
        public init(agent: String) { self.agent = agent }
    }

    public struct Register: Codable, Sendable {
        public var agent: String
        public var role: String?
        public init(agent: String, role: String?) { self.agent = agent; self.role = role }
    }

    public struct SessionStart: Codable, Sendable {
        public var agent: String
        public var intent: String?
        public init(agent: String, intent: String?) { self.agent = agent; self.intent = intent }
    }

    public struct Send: Codable, Sendable {
        public var agent: String
        public var to: String
        public var text: String
        public var threadID: String?
        public init(agent: String, to: String, text: String, threadID: String?) {
            self.agent = agent; self.to = to; self.text = text; self.threadID = threadID
        }
        enum CodingKeys: String, CodingKey { case agent, to, text, threadID = "thread_id" }
    }

    public struct Reply: Codable, Sendable {
        public var agent: String
        public var messageID: String
        public var text: String
        public init(agent: String, messageID: String, text: String) { self.agent = agent; self.messageID = messageID; self.text = text }
        enum CodingKeys: String, CodingKey { case agent, messageID = "message_id", text }
    }

    public struct Inbox: Codable, Sendable {
        public var agent: String
        public var unreadOnly: Bool?
        public var limit: Int?
        public var markRead: Bool?
        public init(agent: String, unreadOnly: Bool?, limit: Int?, markRead: Bool? = nil) {
            self.agent = agent; self.unreadOnly = unreadOnly; self.limit = limit; self.markRead = markRead
        }
        enum CodingKeys: String, CodingKey { case agent, unreadOnly = "unread_only", limit, markRead = "mark_read" }
    }

    public struct MessageRef: Codable, Sendable {
        public var agent: String
        public var messageID: String
        public init(agent: String, messageID: String) { self.agent = agent; self.messageID = messageID }
        enum CodingKeys: String, CodingKey { case agent, messageID = "message_id" }
    }

    public struct Edit: Codable, Sendable {
        public var agent: String
        public var messageID: String
        public var text: String
        public init(agent: String, messageID: String, text: String) { self.agent = agent; self.messageID = messageID; self.text = text }
        enum CodingKeys: String, CodingKey { case agent, messageID = "message_id", text }
    }

    public struct Wait: Codable, Sendable {
        public var agent: String
        public var timeoutMilliseconds: Int
        public init(agent: String, timeoutMilliseconds: Int) { self.agent = agent; self.timeoutMilliseconds = timeoutMilliseconds }
        enum CodingKeys: String, CodingKey { case agent, timeoutMilliseconds = "timeout_ms" }
    }

    public struct Group: Codable, Sendable {
        public var agent: String
        public var group: String
        public init(agent: String, group: String) { self.agent = agent; self.group = group }
    }

    public struct Conflicts: Codable, Sendable {
        public var limit: Int?
        public init(limit: Int? = nil) { self.limit = limit }
    }

    public struct PeerAdd: Codable, Sendable {
        public var address: String
        public init(address: String) { self.address = address }
    }

    /// A peer's daemon ID or sync address.
    public struct PeerRemove: Codable, Sendable {
        public var peer: String
        public init(peer: String) { self.peer = peer }
    }

    public struct Quarantine: Codable, Sendable {
        public var peer: String?
        public var limit: Int?
        public init(peer: String?, limit: Int? = nil) { self.peer = peer; self.limit = limit }
    }
}

public enum ControlResults {
    /// Any write: the event it appended.
    public struct Written: Codable, Sendable {
        public var eventID: String
        public var seq: Int64
        public var messageID: String?
        public var sessionID: String?
        public init(eventID: String, seq: Int64, messageID: String? = nil, sessionID: String? = nil) {
            self.eventID = eventID; self.seq = seq; self.messageID = messageID; self.sessionID = sessionID
        }
        enum CodingKeys: String, CodingKey { case eventID = "event_id", seq, messageID = "message_id", sessionID = "session_id" }
    }

    public struct Identity: Codable, Sendable {
        public var daemonID: String
        public var publicKey: String
        public var fingerprint: String
        public var keyPath: String
        public init(daemonID: String, publicKey: String, fingerprint: String, keyPath: String) {
            self.daemonID = daemonID; self.publicKey = publicKey; self.fingerprint = fingerprint; self.keyPath = keyPath
        }
        enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", publicKey = "public_key", fingerprint, keyPath = "key_path" }
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
        public init(status: String, daemonID: String, version: String, uptimeSeconds: Int, eventCount: Int,
                    latestSeq: Int64, tailscaleSync: TailscaleSync, syncTraffic: SyncTraffic?) {
            self.status = status; self.daemonID = daemonID; self.version = version; self.uptimeSeconds = uptimeSeconds
            self.eventCount = eventCount; self.latestSeq = latestSeq; self.tailscaleSync = tailscaleSync
            self.syncTraffic = syncTraffic
        }
        enum CodingKeys: String, CodingKey {
            case status, daemonID = "daemon_id", version, uptimeSeconds = "uptime_seconds"
            case eventCount = "event_count", latestSeq = "latest_seq", tailscaleSync = "tailscale_sync"
            case syncTraffic = "sync_traffic"
        }
    }

    /// `/metrics` as the daemon would serve it: Prometheus text format 0.0.4.
    public struct Metrics: Codable, Sendable {
        public var text: String
        public init(text: String) { self.text = text }
    }

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

/// The version every binary reports.
public enum ThrumVersion {
    public static let current = "0.1.0"
}
