import FoundationEssentials

// The `data` payload of each event type. Field names are snake_case JSON.
// Every payload names the acting agent, so any daemon can rebuild projections
// from the log alone.

public struct AgentRegistered: Codable, Sendable, Equatable {
    public var agent: String
    public var role: String?
    public var host: String?
    public init(agent: String, role: String?, host: String?) { self.agent = agent; self.role = role; self.host = host }
}

public struct AgentDeregistered: Codable, Sendable, Equatable {
    public var agent: String
    public init(agent: String) { self.agent = agent }
}

public struct SessionChange: Codable, Sendable, Equatable {
    public var sessionID: String
    public var agent: String
    public var intent: String?
    public init(sessionID: String, agent: String, intent: String? = nil) {
        self.sessionID = sessionID; self.agent = agent; self.intent = intent
    }
    enum CodingKeys: String, CodingKey { case sessionID = "session_id", agent, intent }
}

/// `message.create` and `thread.reply` (a reply is a message with `reply_to`).
public struct MessageCreated: Codable, Sendable, Equatable {
    public var messageID: String
    public var from: String
    /// `@agent`, `@group` or `@everyone`.
    public var to: String
    public var text: String
    public var threadID: String?
    public var replyTo: String?
    /// For a group or `@everyone`: the full addresses of the agents it is addressed to, as the
    /// sender's daemon knew them when it wrote it, so no later join adds one. Nil for a message
    /// to one agent (its recipient is `to`) and for messages from before delivery states.
    public var recipients: [String]?
    /// The sender asks each recipient to acknowledge it (`thrum ack`), within `ackWithin`
    /// seconds of `timestamp` when set.
    public var ackRequired: Bool?
    public var ackWithin: Int64?
    public init(messageID: String, from: String, to: String, text: String, threadID: String?, replyTo: String?,
                recipients: [String]? = nil, ackRequired: Bool? = nil, ackWithin: Int64? = nil) {
        self.messageID = messageID; self.from = from; self.to = to; self.text = text
        self.threadID = threadID; self.replyTo = replyTo
        self.recipients = recipients; self.ackRequired = ackRequired; self.ackWithin = ackWithin
    }
    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", from, to, text, threadID = "thread_id", replyTo = "reply_to"
        case recipients, ackRequired = "ack_required", ackWithin = "ack_within"
    }
}

/// `message.receipt`: one recipient's reads and acknowledgements, batched: one event carries
/// every message one call read. Message IDs are in their scoped form (`ScopedID`), since they
/// name other daemons' messages. An acknowledgement counts as a read too.
public struct MessageReceipt: Codable, Sendable, Equatable {
    public struct Acknowledgement: Codable, Sendable, Equatable {
        public var messageID: String
        public var note: String?
        public init(messageID: String, note: String?) { self.messageID = messageID; self.note = note }
        enum CodingKeys: String, CodingKey { case messageID = "message_id", note }
    }

    /// The recipient: an agent of the receipt's own daemon.
    public var agent: String
    public var read: [String]
    public var acknowledged: [Acknowledgement]
    public init(agent: String, read: [String], acknowledged: [Acknowledgement] = []) {
        self.agent = agent; self.read = read; self.acknowledged = acknowledged
    }

    /// Every message the receipt names.
    public var messageIDs: [String] { read + acknowledged.map(\.messageID) }
}

public struct MessageEdited: Codable, Sendable, Equatable {
    public var messageID: String
    public var agent: String
    public var text: String
    public init(messageID: String, agent: String, text: String) { self.messageID = messageID; self.agent = agent; self.text = text }
    enum CodingKeys: String, CodingKey { case messageID = "message_id", agent, text }
}

public struct MessageDeleted: Codable, Sendable, Equatable {
    public var messageID: String
    public var agent: String
    public init(messageID: String, agent: String) { self.messageID = messageID; self.agent = agent }
    enum CodingKeys: String, CodingKey { case messageID = "message_id", agent }
}

/// `group.create`, `group.join`, `group.leave`.
public struct GroupChange: Codable, Sendable, Equatable {
    public var group: String
    public var agent: String
    public init(group: String, agent: String) { self.group = group; self.agent = agent }
}

/// `subscribe`, `unsubscribe`: an agent follows a thread or a group's traffic.
public struct SubscriptionChange: Codable, Sendable, Equatable {
    public var agent: String
    public var topic: String
    public init(agent: String, topic: String) { self.agent = agent; self.topic = topic }
}

public struct ThreadCreated: Codable, Sendable, Equatable {
    public var threadID: String
    public var agent: String
    public var title: String?
    public init(threadID: String, agent: String, title: String?) { self.threadID = threadID; self.agent = agent; self.title = title }
    enum CodingKeys: String, CodingKey { case threadID = "thread_id", agent, title }
}

public enum PayloadJSON {
    /// Compact JSON with sorted keys, so the same payload always has the same text.
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from text: String) -> T? {
        try? BoundedJSON.decode(type, from: text)
    }
}
