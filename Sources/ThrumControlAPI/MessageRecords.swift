// Messages as the control socket sends them (`message.inbox`, `message.read`, `message.wait`).

public struct MessageRecord: Codable, Sendable, Equatable {
    public var messageID: String
    /// The `message.create` or `thread.reply` event that created it.
    public var eventID: String
    /// The author's address (`NAME@d_…`).
    public var from: String
    /// The recipient as the sender's daemon wrote it: `@NAME@d_…`, `@GROUP`, `@everyone`, or a
    /// bare `@NAME` in a message written before scoped agents.
    public var to: String
    /// The address of the agent it reaches, when it was sent to an agent.
    public var recipient: String?
    /// `from` and the recipient in their shortest unambiguous forms here (`NAME`, `NAME@HOST`, the address).
    public var fromDisplay: String
    public var toDisplay: String
    public var text: String
    public var threadID: String?
    public var replyTo: String?
    public var createdAt: String
    public var editedAt: String?
    public var deleted: Bool
    public var originDaemon: String
    /// Whether the agent the message was looked up for has read it; nil when looked up for nobody.
    public var read: Bool?

    public init(messageID: String, eventID: String, from: String, to: String, recipient: String?, fromDisplay: String,
                toDisplay: String, text: String, threadID: String?, replyTo: String?, createdAt: String, editedAt: String?,
                deleted: Bool, originDaemon: String, read: Bool?) {
        self.messageID = messageID; self.eventID = eventID; self.from = from; self.to = to; self.text = text
        self.recipient = recipient; self.fromDisplay = fromDisplay; self.toDisplay = toDisplay
        self.threadID = threadID; self.replyTo = replyTo; self.createdAt = createdAt; self.editedAt = editedAt
        self.deleted = deleted; self.originDaemon = originDaemon; self.read = read
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", eventID = "event_id", from, to, recipient, fromDisplay = "from_display"
        case toDisplay = "to_display", text, threadID = "thread_id"
        case replyTo = "reply_to", createdAt = "created_at", editedAt = "edited_at", deleted
        case originDaemon = "origin_daemon", read
    }
}

public struct MessageList: Codable, Sendable {
    public var messages: [MessageRecord]
    public init(messages: [MessageRecord]) { self.messages = messages }
}

public struct WaitResult: Codable, Sendable {
    public var message: MessageRecord?
    public var timedOut: Bool
    public init(message: MessageRecord?, timedOut: Bool) { self.message = message; self.timedOut = timedOut }
    enum CodingKeys: String, CodingKey { case message, timedOut = "timed_out" }
}
