// Messages as the control socket sends them (`message.inbox`, `message.read`, `message.wait`).

public struct MessageRecord: Codable, Sendable, Equatable {
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

    public init(messageID: String, eventID: String, from: String, to: String, text: String, threadID: String?,
                replyTo: String?, createdAt: String, editedAt: String?, deleted: Bool, originDaemon: String,
                read: Bool?) {
        self.messageID = messageID; self.eventID = eventID; self.from = from; self.to = to; self.text = text
        self.threadID = threadID; self.replyTo = replyTo; self.createdAt = createdAt; self.editedAt = editedAt
        self.deleted = deleted; self.originDaemon = originDaemon; self.read = read
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", eventID = "event_id", from, to, text, threadID = "thread_id"
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
