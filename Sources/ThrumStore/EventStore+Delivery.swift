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
