import FoundationEssentials
import ThrumCore

extension EventStore {
    /// The delivery rows of message `id`, one per recipient, by address.
    public func deliveries(of id: String) throws(StoreError) -> [DeliveryRow] {
        try withConnection { (connection) throws(StoreError) -> [DeliveryRow] in
            try connection.query("""
                SELECT message_id, recipient, read_at, acknowledged_at, note FROM deliveries
                WHERE message_id = ?1 ORDER BY recipient
                """, [id], Self.readDelivery)
        }
    }

    /// Of `ids`, the messages `recipient` is a recipient of and has not read yet by any receipt:
    /// what a receipt of its reads names (reading again writes nothing).
    public func unreadDeliveries(to recipient: String, among ids: [String]) throws(StoreError) -> [String] {
        try withConnection { (connection) throws(StoreError) -> [String] in
            var unread: [String] = []
            for id in ids where try connection.scalarInt("""
                SELECT EXISTS(SELECT 1 FROM deliveries WHERE message_id = ?1 AND recipient = ?2 AND read_at IS NULL)
                """, [id, recipient]) != 0 {
                unread.append(id)
            }
            return unread
        }
    }

    /// The receipts naming message `id` that have no effect because their agent is not one of
    /// its recipients (a peer's agent that claims to have read a message not addressed to it):
    /// each such agent once, with its first receipt's time and origin. Empty while the message
    /// is not here, since then who its recipients are is not known yet.
    public func ignoredReceipts(of id: String) throws(StoreError) -> [IgnoredReceiptRow] {
        try withConnection { (connection) throws(StoreError) -> [IgnoredReceiptRow] in
            try connection.query("""
                SELECT e.actor, MIN(e.timestamp), e.origin_daemon FROM receipt_items i
                JOIN events e ON e.origin_daemon = i.origin_daemon AND e.event_id = i.event_id AND e.sequence = i.sequence
                WHERE i.message_id = ?1 AND NOT \(Forks.voided)
                  AND EXISTS(SELECT 1 FROM messages WHERE message_id = ?1)
                  AND e.actor NOT IN (SELECT recipient FROM deliveries WHERE message_id = ?1)
                GROUP BY e.actor ORDER BY e.actor
                """, [id]) { row in IgnoredReceiptRow(agent: row.string(0), at: row.string(1), origin: row.string(2)) }
        }
    }

    /// The messages agents of daemon `localDaemon` read here (local read marks) that no receipt
    /// reports as read yet, by agent: what a receipt writer stopped before its window closed
    /// (a crash, a kill) still owes. Only messages the reader is a recipient of.
    public func unreportedReads(localDaemon: String) throws(StoreError) -> [String: [String]] {
        try withConnection { (connection) throws(StoreError) -> [String: [String]] in
            var owed: [String: [String]] = [:]
            try connection.forEachRow("""
                SELECT d.recipient, d.message_id FROM message_reads r
                JOIN deliveries d ON d.message_id = r.message_id AND d.recipient = r.agent
                WHERE d.read_at IS NULL AND r.agent GLOB '*@' || ?1 ORDER BY d.recipient, d.message_id
                """, [localDaemon]) { row in
                owed[row.string(0), default: []].append(row.string(1))
                return true
            }
            return owed
        }
    }

    /// `recipient`'s delivery row of message `id`; nil when it is not one of its recipients.
    public func delivery(of id: String, to recipient: String) throws(StoreError) -> DeliveryRow? {
        try withConnection { (connection) throws(StoreError) -> DeliveryRow? in
            try connection.queryFirst("""
                SELECT message_id, recipient, read_at, acknowledged_at, note FROM deliveries
                WHERE message_id = ?1 AND recipient = ?2
                """, [id, recipient], Self.readDelivery)
        }
    }

    /// The newest `limit` messages `agent` sent, oldest first, with each one's delivery rows.
    public func sent(by agent: String, limit: Int) throws(StoreError) -> [(message: MessageRow, deliveries: [DeliveryRow])] {
        try withConnection { (connection) throws(StoreError) -> [(message: MessageRow, deliveries: [DeliveryRow])] in
            let newestFirst = try connection.query("""
                SELECT \(Self.messageColumns) FROM messages m WHERE m.from_agent = ?1
                ORDER BY m.created_at DESC, m.message_id DESC LIMIT ?2
                """, [agent, max(0, limit)]) { row in Self.readMessage(row, withReadFlag: false) }
            var sent: [(message: MessageRow, deliveries: [DeliveryRow])] = []
            for message in newestFirst.reversed() {
                sent.append((message, try connection.query("""
                    SELECT message_id, recipient, read_at, acknowledged_at, note FROM deliveries
                    WHERE message_id = ?1 ORDER BY recipient
                    """, [message.messageID], Self.readDelivery)))
            }
            return sent
        }
    }

    static func readDelivery(_ row: Row) -> DeliveryRow {
        DeliveryRow(messageID: row.string(0), recipient: row.string(1), readAt: row.optionalString(2),
                    acknowledgedAt: row.optionalString(3), note: row.optionalString(4))
    }
}

/// An acknowledgement past its deadline: a recipient of a message that asked for one within
/// `ack_within` has not given it.
public struct OverdueAcknowledgement: Sendable, Equatable {
    public var messageID: String
    public var from: String
    public var recipient: String
    public var due: String
    /// True the first time it is reported (`overdue_logged` remembers it across restarts).
    public var new: Bool
}

extension EventStore {
    /// The acknowledgements overdue at `now` for messages this daemon's agents sent (`origin`),
    /// each marked reported; and the earliest deadline still ahead, if any.
    public func overdueAcknowledgements(origin: String, now: Date = Date()) throws(StoreError)
        -> (overdue: [OverdueAcknowledgement], nextDue: Date?) {
        try withConnection { (connection) throws(StoreError) -> (overdue: [OverdueAcknowledgement], nextDue: Date?) in
            try connection.transaction { () throws(StoreError) -> (overdue: [OverdueAcknowledgement], nextDue: Date?) in
                var overdue: [OverdueAcknowledgement] = []
                var nextDue: Date?
                let pending = try connection.query("""
                    SELECT m.message_id, m.from_agent, m.created_at, m.ack_within, d.recipient FROM messages m
                    JOIN deliveries d ON d.message_id = m.message_id
                    WHERE m.origin_daemon = ?1 AND m.ack_required = 1 AND m.ack_within IS NOT NULL AND m.deleted = 0
                      AND d.acknowledged_at IS NULL
                    """, [origin]) { row in
                    (id: row.string(0), from: row.string(1), created: row.string(2), within: row.int64(3), recipient: row.string(4))
                }
                for entry in pending {
                    guard let created = Timestamp.parse(entry.created) else { continue }
                    let due = created.addingTimeInterval(Double(entry.within))
                    guard due <= now else {
                        nextDue = min(nextDue ?? due, due)
                        continue
                    }
                    let new = try connection.run("""
                        INSERT INTO overdue_logged (message_id, recipient) VALUES (?1, ?2) ON CONFLICT DO NOTHING
                        """, [entry.id, entry.recipient]) == 1
                    overdue.append(OverdueAcknowledgement(messageID: entry.id, from: entry.from, recipient: entry.recipient,
                                                          due: Timestamp.format(due), new: new))
                }
                return (overdue, nextDue)
            }
        }
    }
}
