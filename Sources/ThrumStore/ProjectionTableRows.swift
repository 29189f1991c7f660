// Rows of the projection tables as the store returns them. The control socket's records are
// another thing (ThrumControlAPI); the daemon maps these rows to them.

public struct AgentRow: Sendable, Equatable {
    public var name: String
    public var role: String?
    public var host: String?
    /// The daemon whose event last registered the agent.
    public var originDaemon: String
    public var registeredAt: String
    public var deregistered: Bool
}

public struct SessionRow: Sendable, Equatable {
    public var sessionID: String
    public var agent: String
    public var intent: String?
    public var startedAt: String
    public var endedAt: String?
    public var lastHeartbeat: String?
}

public struct MessageRow: Sendable, Equatable {
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
}

public struct GroupRow: Sendable, Equatable {
    public var name: String
    public var createdBy: String
    public var createdAt: String
    /// Member agent names, sorted.
    public var members: [String]
}
