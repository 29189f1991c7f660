// What `message.status`, `message.sent` and `message.ack` answer: each message's state per recipient.

/// One recipient's state of one message: "acknowledged", "read", "delivered" or "sent", each
/// with its time. `delivered_at` is this daemon's observation: when it saw the recipient's
/// daemon hold the message (from the version vector that daemon advertised).
public struct RecipientState: Codable, Sendable, Equatable {
    public var address: String
    /// As short as it is unambiguous here (like `from_display`).
    public var display: String
    public var state: String
    public var deliveredAt: String?
    public var readAt: String?
    public var acknowledgedAt: String?
    public var note: String?

    public init(address: String, display: String, state: String, deliveredAt: String? = nil, readAt: String?,
                acknowledgedAt: String?, note: String?) {
        self.address = address; self.display = display; self.state = state; self.deliveredAt = deliveredAt
        self.readAt = readAt; self.acknowledgedAt = acknowledgedAt; self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case address, display, state, deliveredAt = "delivered_at", readAt = "read_at", acknowledgedAt = "acknowledged_at", note
    }
}

/// A message with each recipient's state.
public struct MessageStatusRecord: Codable, Sendable, Equatable {
    public var messageID: String
    public var from: String
    public var to: String
    public var text: String
    public var sentAt: String
    public var ackRequired: Bool
    /// When every recipient should have acknowledged it (`--ack-within`); nil without a deadline.
    public var ackDue: String?
    /// Some recipient has not yet acknowledged it (with `ack_required`) or read it (without).
    public var pending: Bool
    /// Pending past `ack_due`.
    public var overdue: Bool
    public var recipients: [RecipientState]
    /// Receipts naming this message from agents that are not its recipients: they change
    /// nothing, and are shown so that whoever reads the status knows someone claimed to.
    public var ignoredReceipts: [IgnoredReceipt]

    public init(messageID: String, from: String, to: String, text: String, sentAt: String, ackRequired: Bool, ackDue: String?,
                pending: Bool, overdue: Bool, recipients: [RecipientState], ignoredReceipts: [IgnoredReceipt] = []) {
        self.messageID = messageID; self.from = from; self.to = to; self.text = text; self.sentAt = sentAt
        self.ackRequired = ackRequired; self.ackDue = ackDue; self.pending = pending; self.overdue = overdue
        self.recipients = recipients; self.ignoredReceipts = ignoredReceipts
    }

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", from, to, text, sentAt = "sent_at", ackRequired = "ack_required", ackDue = "ack_due"
        case pending, overdue, recipients, ignoredReceipts = "ignored_receipts"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(messageID: try c.decode(String.self, forKey: .messageID), from: try c.decode(String.self, forKey: .from),
                  to: try c.decode(String.self, forKey: .to), text: try c.decode(String.self, forKey: .text),
                  sentAt: try c.decode(String.self, forKey: .sentAt), ackRequired: try c.decode(Bool.self, forKey: .ackRequired),
                  ackDue: try c.decodeIfPresent(String.self, forKey: .ackDue), pending: try c.decode(Bool.self, forKey: .pending),
                  overdue: try c.decode(Bool.self, forKey: .overdue), recipients: try c.decode([RecipientState].self, forKey: .recipients),
                  ignoredReceipts: try c.decodeIfPresent([IgnoredReceipt].self, forKey: .ignoredReceipts) ?? [])
    }
}

/// A receipt that changes nothing: `agent` is not a recipient of the message it names.
public struct IgnoredReceipt: Codable, Sendable, Equatable {
    public var agent: String
    public var display: String
    /// Its first such receipt's timestamp.
    public var at: String
    public init(agent: String, display: String, at: String) { self.agent = agent; self.display = display; self.at = at }
}

public struct MessageStatusList: Codable, Sendable, Equatable {
    public var messages: [MessageStatusRecord]
    public init(messages: [MessageStatusRecord]) { self.messages = messages }
}

/// What `message.ack` did: `already` when an earlier acknowledgement stands (nothing was written).
public struct Acknowledged: Codable, Sendable, Equatable {
    public var messageID: String
    public var acknowledgedAt: String?
    public var already: Bool
    public init(messageID: String, acknowledgedAt: String?, already: Bool) {
        self.messageID = messageID; self.acknowledgedAt = acknowledgedAt; self.already = already
    }
    enum CodingKeys: String, CodingKey { case messageID = "message_id", acknowledgedAt = "acknowledged_at", already }
}

/// One change of the control-API subscription (`changes.wait`): `kind` "message" (a new
/// message) or "delivery" (a recipient's receipt, or a peer's frontier showing it held there).
public struct ChangeRecord: Codable, Sendable, Equatable {
    public var cursor: Int64
    public var kind: String
    public var messageID: String
    public init(cursor: Int64, kind: String, messageID: String) { self.cursor = cursor; self.kind = kind; self.messageID = messageID }
    enum CodingKeys: String, CodingKey { case cursor, kind, messageID = "message_id" }
}

/// What `changes.wait` answers: the changes after the cursor asked for and the cursor to ask
/// from next; `reset` when the asked cursor is no longer held (read the state again).
public struct ChangeBatch: Codable, Sendable, Equatable {
    public var cursor: Int64
    public var changes: [ChangeRecord]
    public var reset: Bool
    public init(cursor: Int64, changes: [ChangeRecord], reset: Bool) { self.cursor = cursor; self.changes = changes; self.reset = reset }
}
