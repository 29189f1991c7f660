import ThrumCore

/// Delivery states (DESIGN §5): per message and recipient, when the recipient read it and when
/// it acknowledged it, from the recipients' own receipts (`MessageReceipt`). A message's
/// recipients are fixed by its create: the agent it is addressed to, or for a group or
/// `@everyone` the addresses the sender's daemon wrote into it. A receipt counts only for a
/// real recipient, and only its own daemon can write one for it (the door refuses the rest,
/// `EventPayload.foreignClaim`), so each recipient's receipts are read in its daemon's sequence
/// order: the first read and the first acknowledgement stand, whatever order they arrived in.
/// A receipt that names a message not (yet) in the log is kept and counts once it arrives.
enum Delivery {
    /// Receipts name many messages each; one row per message a receipt names lets a message
    /// find its receipts by index. Filled from the event alone, when it is inserted.
    static let createTables = """
        CREATE TABLE receipt_items (
            message_id TEXT NOT NULL,
            origin_daemon TEXT NOT NULL,
            event_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            acknowledged INTEGER NOT NULL,
            note TEXT,
            PRIMARY KEY (message_id, origin_daemon, event_id, sequence, acknowledged)
        );
        -- Local: the overdue acknowledgements already logged, so each is logged once.
        CREATE TABLE overdue_logged (
            message_id TEXT NOT NULL,
            recipient TEXT NOT NULL,
            PRIMARY KEY (message_id, recipient)
        );
        CREATE TABLE deliveries (
            message_id TEXT NOT NULL,
            recipient TEXT NOT NULL,
            read_at TEXT,
            acknowledged_at TEXT,
            note TEXT,
            PRIMARY KEY (message_id, recipient)
        );
        """

    /// Indexes a receipt's messages (`receipt_items`); nothing for any other event.
    static func index(_ prepared: PreparedEvent, in connection: Connection) throws(StoreError) {
        guard case let .receipt(receipt)? = prepared.payload else { return }
        let event = prepared.event
        for (id, acknowledged, note) in receipt.read.map({ ($0, false, String?.none) })
            + receipt.acknowledged.map({ ($0.messageID, true, $0.note) }) {
            try connection.run("""
                INSERT INTO receipt_items (message_id, origin_daemon, event_id, sequence, acknowledged, note)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING
                """, [id, event.originDaemon, event.eventID, event.sequence, acknowledged, note])
        }
    }

    /// The recipients of a message as its create names them.
    static func recipients(of created: MessageCreated, addressedTo recipientAgent: String?) -> [String] {
        if let listed = created.recipients { return Array(Set(listed)).sorted() }
        return recipientAgent.map { [$0] } ?? []
    }

    /// Re-derives the delivery rows of message `id` for `recipients`.
    static func derive(message id: String, recipients: [String], in connection: Connection) throws(StoreError) {
        try connection.run("DELETE FROM deliveries WHERE message_id = ?1", [id])
        guard !recipients.isEmpty else { return }
        let items = try connection.query("""
            SELECT e.actor, e.timestamp, i.acknowledged, i.note FROM receipt_items i
            JOIN events e ON e.origin_daemon = i.origin_daemon AND e.event_id = i.event_id AND e.sequence = i.sequence
            WHERE i.message_id = ?1 AND NOT \(Forks.voided)
            ORDER BY e.origin_daemon, e.sequence, i.acknowledged
            """, [id]) { row in (actor: row.string(0), at: row.string(1), acknowledged: row.bool(2), note: row.optionalString(3)) }
        for recipient in recipients {
            let own = items.filter { $0.actor == recipient }
            let ack = own.first { $0.acknowledged }
            try connection.run("""
                INSERT INTO deliveries (message_id, recipient, read_at, acknowledged_at, note) VALUES (?1, ?2, ?3, ?4, ?5)
                """, [id, recipient, own.first?.at, ack?.at, ack?.note])
        }
    }

    /// The message rows a receipt bears on.
    static func keys(of payload: EventPayload?) -> [ProjectionKey] {
        guard case let .receipt(receipt)? = payload else { return [] }
        return receipt.messageIDs.map(ProjectionKey.message)
    }
}
