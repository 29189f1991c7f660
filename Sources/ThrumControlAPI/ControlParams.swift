// The params of the control socket's methods; the CodingKeys are the JSON names on the wire.

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
        /// Ask each recipient to acknowledge it (`message.ack`), within `ackWithinSeconds` when set.
        public var ackRequired: Bool?
        public var ackWithinSeconds: Int64?
        public init(agent: String, to: String, text: String, threadID: String?, ackRequired: Bool? = nil,
                    ackWithinSeconds: Int64? = nil) {
            self.agent = agent; self.to = to; self.text = text; self.threadID = threadID
            self.ackRequired = ackRequired; self.ackWithinSeconds = ackWithinSeconds
        }
        enum CodingKeys: String, CodingKey {
            case agent, to, text, threadID = "thread_id", ackRequired = "ack_required", ackWithinSeconds = "ack_within_seconds"
        }
    }

    /// `message.ack`: the acting agent, a recipient, acknowledges a message.
    public struct Ack: Codable, Sendable {
        public var agent: String
        public var messageID: String
        public var note: String?
        public init(agent: String, messageID: String, note: String?) { self.agent = agent; self.messageID = messageID; self.note = note }
        enum CodingKeys: String, CodingKey { case agent, messageID = "message_id", note }
    }

    /// `changes.wait`: the changes after `after` (none: just the newest cursor), of `kinds`
    /// ("message", "delivery"; all when absent), waiting up to `timeout_ms` for one.
    public struct ChangesWait: Codable, Sendable {
        public var after: Int64?
        public var kinds: [String]?
        public var timeoutMilliseconds: Int
        public init(after: Int64?, kinds: [String]?, timeoutMilliseconds: Int) {
            self.after = after; self.kinds = kinds; self.timeoutMilliseconds = timeoutMilliseconds
        }
        enum CodingKeys: String, CodingKey { case after, kinds, timeoutMilliseconds = "timeout_ms" }
    }

    /// `message.sent`: what the acting agent sent, newest `limit` (default 100, at most 1,000);
    /// only those still waiting for a read or acknowledgement with `pending`, only those past
    /// their acknowledgement deadline with `overdue`.
    public struct Sent: Codable, Sendable {
        public var agent: String
        public var pending: Bool?
        public var overdue: Bool?
        public var limit: Int?
        public init(agent: String, pending: Bool?, overdue: Bool?, limit: Int?) {
            self.agent = agent; self.pending = pending; self.overdue = overdue; self.limit = limit
        }
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
