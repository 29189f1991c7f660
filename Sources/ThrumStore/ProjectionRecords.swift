// Rows of the projection tables as the daemon returns them; the snake_case keys are the JSON the
// control socket sends.

public struct AgentRecord: Sendable, Equatable, Codable {
    public var name: String
    public var role: String?
    public var host: String?
    /// The daemon whose event last registered the agent.
    public var originDaemon: String
    public var registeredAt: String
    public var deregistered: Bool

    enum CodingKeys: String, CodingKey {
        case name, role, host, originDaemon = "origin_daemon", registeredAt = "registered_at", deregistered
    }
}

public struct SessionRecord: Sendable, Equatable, Codable {
    public var sessionID: String
    public var agent: String
    public var intent: String?
    public var startedAt: String
    public var endedAt: String?
    public var lastHeartbeat: String?

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", agent, intent, startedAt = "started_at", endedAt = "ended_at"
        case lastHeartbeat = "last_heartbeat"
    }
}

public struct MessageRecord: Sendable, Equatable, Codable {
    public var messageID: String
    /// The `message.create` or `thread.reply` event that created it.
    public var eventID: String
    public var from: String
    /// `@agent`, `@group` or `@everyone`.
    public var to: String
    public var text: String
    public var threadID: String?
    public var replyTo: String?
    public var createdAt: String
    public var editedAt: String?
    public var deleted: Bool
    public var originDaemon: String
    /// Whether the agent the message was looked up for has read it; nil when looked up for nobody.
    public var read: Bool?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", eventID = "event_id", from, to, text, threadID = "thread_id"
        case replyTo = "reply_to", createdAt = "created_at", editedAt = "edited_at", deleted
        case originDaemon = "origin_daemon", read
    }
}

public struct GroupRecord: Sendable, Equatable, Codable {
    public var name: String
    public var createdBy: String
    public var createdAt: String
    /// Member agent names, sorted.
    public var members: [String]

    enum CodingKeys: String, CodingKey {
        case name, createdBy = "created_by", createdAt = "created_at", members
    }
}
