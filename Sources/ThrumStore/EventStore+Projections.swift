import ThrumCore

extension EventStore {
    /// Registered agents that have not deregistered, by name, then address.
    public func agents() throws(StoreError) -> [AgentRow] {
        try withConnection { (connection) throws(StoreError) -> [AgentRow] in
            try connection.query("SELECT \(Self.agentColumns) FROM agents WHERE deregistered = 0 ORDER BY name, address",
                                 [], Self.readAgent)
        }
    }

    /// The agent at `address` (`NAME@d_…`), including a deregistered one (see `deregistered`).
    public func agent(address: String) throws(StoreError) -> AgentRow? {
        try withConnection { (connection) throws(StoreError) -> AgentRow? in
            try connection.queryFirst("SELECT \(Self.agentColumns) FROM agents WHERE address = ?1", [address], Self.readAgent)
        }
    }

    /// Every agent called `name`, on any daemon, that has not deregistered.
    public func agents(named name: String) throws(StoreError) -> [AgentRow] {
        try withConnection { (connection) throws(StoreError) -> [AgentRow] in
            try connection.query("""
                SELECT \(Self.agentColumns) FROM agents WHERE name = ?1 AND deregistered = 0 ORDER BY address
                """, [name], Self.readAgent)
        }
    }

    /// The agent's most recently started session that has not ended.
    public func activeSession(agent: String) throws(StoreError) -> SessionRow? {
        try withConnection { (connection) throws(StoreError) -> SessionRow? in
            try connection.queryFirst("""
                SELECT session_id, agent, intent, started_at, ended_at, last_heartbeat FROM sessions
                WHERE agent = ?1 AND ended_at IS NULL ORDER BY started_at DESC, session_id DESC LIMIT 1
                """, [agent]) { row in
                SessionRow(sessionID: row.string(0), agent: row.string(1), intent: row.optionalString(2),
                              startedAt: row.string(3), endedAt: row.optionalString(4),
                              lastHeartbeat: row.optionalString(5))
            }
        }
    }

    /// The message (deleted ones too), with `read` filled in when `agent` is given.
    public func message(id: String, readBy agent: String? = nil) throws(StoreError) -> MessageRow? {
        try withConnection { (connection) throws(StoreError) -> MessageRow? in
            try connection.queryFirst("""
                SELECT \(Self.messageColumns),
                       EXISTS(SELECT 1 FROM message_reads r WHERE r.message_id = m.message_id AND r.agent = ?2)
                FROM messages m WHERE m.message_id = ?1
                """, [id, agent]) { row in Self.readMessage(row, withReadFlag: agent != nil) }
        }
    }

    /// The IDs of the messages whose legacy ID (without its daemon, see `ScopedID`) is `id`:
    /// `msg_X` finds `msg_X-d_…` of any daemon.
    public func messageIDs(legacyID id: String) throws(StoreError) -> [String] {
        try withConnection { (connection) throws(StoreError) -> [String] in
            // '-' is followed by '.' in ASCII: the range holds exactly the IDs `id-…`.
            try connection.query("""
                SELECT message_id FROM messages WHERE message_id > ?1 || '-' AND message_id < ?1 || '.' ORDER BY message_id
                """, [id]) { $0.string(0) }
        }
    }

    /// The messages an agent receives: to its address, to @everyone or to one of its groups;
    /// not deleted, not its own. `?1` is the agent's address, `?2` unread only.
    private static let inboxFilter = """
        FROM messages m
        LEFT JOIN message_reads r ON r.message_id = m.message_id AND r.agent = ?1
        WHERE m.deleted = 0 AND m.from_agent <> ?1
          AND (m.recipient_agent = ?1 OR m.recipient = '@everyone'
               OR m.recipient IN (SELECT '@' || group_name FROM group_members WHERE agent = ?1))
          AND (?2 = 0 OR r.message_id IS NULL)
        """

    /// The newest `limit` inbox messages, oldest first.
    public func inbox(agent: String, unreadOnly: Bool, limit: Int) throws(StoreError) -> [MessageRow] {
        try withConnection { (connection) throws(StoreError) -> [MessageRow] in
            let newestFirst = try connection.query("""
                SELECT \(Self.messageColumns), r.message_id IS NOT NULL
                \(Self.inboxFilter)
                ORDER BY m.created_at DESC, m.message_id DESC
                LIMIT ?3
                """, [agent, unreadOnly, max(0, limit)]) { row in Self.readMessage(row, withReadFlag: true) }
            return newestFirst.reversed()
        }
    }

    /// The oldest unread message for `agent`, what `thrum wait` hands out next.
    public func oldestUnread(agent: String) throws(StoreError) -> MessageRow? {
        try withConnection { (connection) throws(StoreError) -> MessageRow? in
            try connection.query("""
                SELECT \(Self.messageColumns), r.message_id IS NOT NULL
                \(Self.inboxFilter)
                ORDER BY m.created_at ASC, m.message_id ASC
                LIMIT 1
                """, [agent, true]) { row in Self.readMessage(row, withReadFlag: true) }.first
        }
    }

    /// Marks the message read for the agent at `agent` on this daemon (read marks are local, not
    /// events). Returns false, changing nothing, when no such message is known.
    @discardableResult
    public func markRead(agent: String, messageID: String) throws(StoreError) -> Bool {
        try withConnection { (connection) throws(StoreError) -> Bool in
            let changed = try connection.run("""
                INSERT INTO message_reads (message_id, agent, read_at)
                SELECT message_id, ?2, ?3 FROM messages WHERE message_id = ?1
                ON CONFLICT(message_id, agent) DO NOTHING
                """, [messageID, agent, Timestamp.now()])
            guard changed == 0 else { return true }
            return try connection.scalarInt("SELECT EXISTS(SELECT 1 FROM messages WHERE message_id = ?1)",
                                            [messageID]) != 0
        }
    }

    /// Whether a group of that name exists.
    public func groupExists(_ name: String) throws(StoreError) -> Bool {
        try withConnection { (connection) throws(StoreError) -> Bool in
            try connection.scalarInt("SELECT EXISTS(SELECT 1 FROM \"groups\" WHERE name = ?1)", [name]) != 0
        }
    }

    /// Every group with its members' addresses, by name.
    public func groups() throws(StoreError) -> [GroupRow] {
        try withConnection { (connection) throws(StoreError) -> [GroupRow] in
            var members: [String: [String]] = [:]
            try connection.forEachRow("SELECT group_name, agent FROM group_members ORDER BY group_name, agent") { row in
                members[row.string(0), default: []].append(row.string(1))
                return true
            }
            return try connection.query("SELECT name, created_by, created_at FROM \"groups\" ORDER BY name") { row in
                let name = row.string(0)
                return GroupRow(name: name, createdBy: row.string(1), createdAt: row.string(2),
                                   members: members[name] ?? [])
            }
        }
    }

    /// Empties the projection tables and derives them again from the whole log, in one transaction.
    /// Read marks are kept: they are local state, not derived from events.
    public func rebuildProjections() throws(StoreError) {
        try withConnection { (connection) throws(StoreError) in
            try connection.transaction { () throws(StoreError) in try Projector.rederiveAll(in: connection) }
        }
    }

    static let agentColumns = "address, name, role, host, origin_daemon, registered_at, deregistered"

    static func readAgent(_ row: Row) -> AgentRow {
        AgentRow(address: row.string(0), name: row.string(1), role: row.optionalString(2), host: row.optionalString(3),
                 originDaemon: row.string(4), registeredAt: row.string(5), deregistered: row.bool(6))
    }

    /// Columns of `messages m` in the order `readMessage` expects, followed by a read flag column.
    static let messageColumns = """
        m.message_id, m.event_id, m.from_agent, m.recipient, m.text, m.thread_id, m.reply_to, m.created_at,
        m.edited_at, m.deleted, m.origin_daemon, m.recipient_agent, m.ack_required, m.ack_within
        """

    static func readMessage(_ row: Row, withReadFlag: Bool) -> MessageRow {
        MessageRow(messageID: row.string(0), eventID: row.string(1), from: row.string(2), to: row.string(3),
                   recipientAgent: row.optionalString(11),
                   text: row.string(4), threadID: row.optionalString(5), replyTo: row.optionalString(6),
                   createdAt: row.string(7), editedAt: row.optionalString(8), deleted: row.bool(9),
                   originDaemon: row.string(10), ackRequired: row.bool(12),
                   ackWithin: row.isNull(13) ? nil : row.int64(13), read: withReadFlag ? row.bool(14) : nil)
    }
}
