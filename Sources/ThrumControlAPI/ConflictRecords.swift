// Conflicts as the control socket sends them (`conflict.list`).

/// An event in the log that has no effect because its origin had no authority for it.
public struct ConflictRecord: Codable, Sendable, Equatable {
    public var seq: Int64
    public var eventID: String
    public var type: String
    public var timestamp: String
    public var originDaemon: String
    public var agent: String
    /// The daemon that owns `agent`, when one does.
    public var ownerDaemon: String?
    public var ownerHost: String?
    public var reason: String

    public init(seq: Int64, eventID: String, type: String, timestamp: String, originDaemon: String, agent: String,
                ownerDaemon: String?, ownerHost: String?, reason: String) {
        self.seq = seq; self.eventID = eventID; self.type = type; self.timestamp = timestamp
        self.originDaemon = originDaemon; self.agent = agent; self.ownerDaemon = ownerDaemon
        self.ownerHost = ownerHost; self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case seq, eventID = "event_id", type, timestamp, originDaemon = "origin_daemon", agent
        case ownerDaemon = "owner_daemon", ownerHost = "owner_host", reason
    }
}

public struct ConflictList: Codable, Sendable {
    public var conflicts: [ConflictRecord]
    public init(conflicts: [ConflictRecord]) { self.conflicts = conflicts }
}
