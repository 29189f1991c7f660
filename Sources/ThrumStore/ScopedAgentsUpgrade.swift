import ThrumCore

/// Schema 5: every identifier belongs to the daemon that made it (DESIGN §5).
///
/// - The log is copied into a table whose dedup key is (`origin_daemon`, `event_id`, `sequence`), and each
///   event's topic is worked out again in its origin's scope (`EventTopic`): an agent becomes
///   `NAME@d_…` of the daemon that wrote the event, a legacy message or session ID its scoped form.
/// - Read marks, kept by agent name and message ID, move to the agent that owned the name and
///   the message's scoped ID.
/// - Every projection is then derived again, by schema 7 (the last migration that re-derives,
///   which every store upgrading from here goes on to, whose rules read tables that this schema
///   does not have yet): events that had no effect because their daemon lost a name race take
///   effect as that daemon's agent; messages to a bare `@NAME` keep reaching the agent that
///   owned NAME when they were written (`LegacyRecipients`).
///
/// Runs in the migration's one transaction; returns what it changed, for the start-up log.
enum ScopedAgentsUpgrade {
    static func run(in connection: Connection) throws(StoreError) -> String {
        let voided = try connection.scalarInt("""
            SELECT COUNT(*) FROM events e WHERE e.actor IS NOT NULL AND NOT EXISTS(
                SELECT 1 FROM agent_owners o WHERE o.name = e.actor AND o.origin_daemon = e.origin_daemon
                AND e.sequence >= o.from_sequence AND (o.to_sequence IS NULL OR e.sequence <= o.to_sequence))
            """)
        let names = try connection.scalarInt("SELECT COUNT(*) FROM agents")
        try connection.execute("""
            DELETE FROM message_reads WHERE agent NOT IN (SELECT name FROM agents)
                OR message_id NOT IN (SELECT message_id FROM messages);
            UPDATE message_reads SET
                agent = agent || '@' || (SELECT a.origin_daemon FROM agents a WHERE a.name = message_reads.agent),
                message_id = message_id || '-' || (SELECT m.origin_daemon FROM messages m WHERE m.message_id = message_reads.message_id);
            """)
        let marks = try connection.scalarInt("SELECT COUNT(*) FROM message_reads")
        try copyLog(in: connection)
        try connection.execute("""
            DROP TABLE agent_owners;
            DROP TABLE agents;
            CREATE TABLE agents (
                address TEXT PRIMARY KEY,    -- NAME@d_…: the agent is its name and its daemon
                name TEXT NOT NULL,
                origin_daemon TEXT NOT NULL,
                role TEXT,
                host TEXT,                   -- as its registration says; addresses resolve hosts from verified peers
                registered_at TEXT NOT NULL,
                deregistered INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX agents_by_name ON agents(name);
            -- The agent a message reaches, as a full address (LegacyRecipients); NULL for a group or @everyone.
            ALTER TABLE messages ADD COLUMN recipient_agent TEXT;
            CREATE INDEX messages_by_recipient_agent ON messages(recipient_agent, created_at);
            """)
        let agents = try connection.scalarInt("""
            SELECT COUNT(DISTINCT subject) FROM events WHERE type = '\(EventType.agentRegister.rawValue)'
            """)
        return "\(names) agent names became \(agents) agents scoped to their daemons; \(voided) events that had no "
            + "effect under the first-registration rule now take effect as their own daemon's agents; \(marks) read marks kept"
    }

    /// Copies the log into a table keyed by (origin, event_id, sequence), with every topic in its origin's
    /// scope, keeping each event's `seq` and the highest `seq` ever given out.
    private static func copyLog(in connection: Connection) throws(StoreError) {
        let highest = try connection.scalarInt("""
            SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0),
                       COALESCE((SELECT MAX(seq) FROM events), 0))
            """)
        try connection.execute("""
            CREATE TABLE events_scoped (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                timestamp TEXT NOT NULL,
                origin_daemon TEXT NOT NULL,
                origin_key TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                data TEXT NOT NULL,
                signature TEXT,
                received_from TEXT,
                received_at TEXT NOT NULL,
                subject TEXT,
                actor TEXT,
                at_ms INTEGER NOT NULL DEFAULT 0,
                -- An event is its origin's: another origin's event_id never hides it. The sequence is part
                -- of the key so that an origin re-using its own event_id cannot make the log depend on
                -- arrival order (two events for one sequence are a fork, caught by the hash chain).
                UNIQUE (origin_daemon, event_id, sequence)
            );
            """)
        try connection.forEachRow("SELECT \(EventRows.preChainColumns), received_at FROM events ORDER BY seq") { (row) throws(StoreError) in
            let stored = EventRows.read(row, chained: false)
            let topic = PreparedEvent(stored.event).topic
            let event = stored.event
            try connection.run("""
                INSERT INTO events_scoped (seq, event_id, type, timestamp, origin_daemon, origin_key, sequence, data,
                                           signature, received_from, received_at, subject, actor, at_ms)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                """, [stored.seq, event.eventID, event.type, event.timestamp, event.originDaemon, event.originKey,
                      event.sequence, event.data, event.signature, stored.receivedFrom, row.string(10),
                      topic.subject, topic.actor, topic.atMS])
            return true
        }
        try connection.execute("""
            DROP TABLE events;
            ALTER TABLE events_scoped RENAME TO events;
            CREATE INDEX events_by_origin_sequence ON events(origin_daemon, sequence);
            CREATE INDEX events_by_subject ON events(subject, type);
            CREATE INDEX events_by_actor ON events(actor);
            CREATE INDEX events_by_time ON events(at_ms);
            DELETE FROM sqlite_sequence WHERE name = 'events';
            """)
        try connection.run("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?1)", [highest])
    }
}
