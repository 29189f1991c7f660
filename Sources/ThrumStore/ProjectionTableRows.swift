// Rows of the projection tables as the store returns them. The control socket's records are
// another thing (ThrumControlAPI); the daemon maps these rows to them.

public struct AgentRow: Sendable, Equatable {
    /// `NAME@d_…`: the agent is its name and the daemon that registered it.
    public var address: String
    public var name: String
    public var role: String?
    public var host: String?
    /// The daemon that registered the agent, the only one that can act as it.
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
    /// The author's address.
    public var from: String
    /// As the sender wrote it: `@NAME@d_…`, `@group`, `@everyone`, or a legacy `@NAME`.
    public var to: String
    /// The address of the agent it reaches, when it was sent to an agent (`LegacyRecipients`).
    public var recipientAgent: String?
    public var text: String
    public var threadID: String?
    public var replyTo: String?
    public var createdAt: String
    public var editedAt: String?
    public var deleted: Bool
    public var originDaemon: String
    /// The sender asked each recipient to acknowledge it, within `ackWithin` seconds when set.
    public var ackRequired = false
    public var ackWithin: Int64?
    /// Whether the agent the message was looked up for has read it; nil when looked up for nobody.
    public var read: Bool?
}

/// One recipient's delivery state of one message (`Delivery`).
/// A receipt without effect: its agent is not a recipient of the message it names.
public struct IgnoredReceiptRow: Sendable, Equatable {
    public var agent: String
    public var at: String
    /// The daemon that wrote it (the agent's).
    public var origin: String
    public init(agent: String, at: String, origin: String) { self.agent = agent; self.at = at; self.origin = origin }
}

public struct DeliveryRow: Sendable, Equatable {
    public var messageID: String
    public var recipient: String
    public var readAt: String?
    public var acknowledgedAt: String?
    public var note: String?

    public init(messageID: String, recipient: String, readAt: String?, acknowledgedAt: String?, note: String?) {
        self.messageID = messageID; self.recipient = recipient; self.readAt = readAt
        self.acknowledgedAt = acknowledgedAt; self.note = note
    }
}

public struct GroupRow: Sendable, Equatable {
    public var name: String
    public var createdBy: String
    public var createdAt: String
    /// Member agents' addresses, sorted.
    public var members: [String]
}
