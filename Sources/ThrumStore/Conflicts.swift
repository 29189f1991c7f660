import ThrumCore

/// An event in the log that has no effect because its origin had no authority for it: it acts
/// as an agent another daemon owns (or nobody does), or edits or deletes another agent's message.
public struct Conflict: Sendable, Equatable {
    public var seq: Int64
    public var eventID: String
    public var type: String
    public var timestamp: String
    public var originDaemon: String
    public var agent: String
    /// The daemon that owns `agent`, when one does.
    public var ownerDaemon: String?
    public var ownerHost: String?
    public var reason: String
}

/// Finds conflicts with the same authority rule the projections use (`TopicEvents.hasAuthority`).
enum Conflicts {
    static func list(seqRange: ClosedRange<Int64>?, limit: Int, in connection: Connection) throws(StoreError) -> [Conflict] {
        let authorship = "'\(EventType.messageEdit.rawValue)', '\(EventType.messageDelete.rawValue)'"
        // Two texts rather than `?1 IS NULL OR …`: with that OR, SQLite walks the whole log
        // backwards for every applied page instead of the page's range of rowids.
        let inRange = seqRange == nil ? "" : "AND e.seq BETWEEN ?1 AND ?2"
        return try connection.query("""
            SELECT e.seq, e.event_id, e.type, e.timestamp, e.origin_daemon, e.actor, e.subject,
                   a.origin_daemon, a.host, a.deregistered, m.from_agent, \(TopicEvents.hasAuthority)
            FROM events e
            LEFT JOIN agents a ON a.name = e.actor
            LEFT JOIN messages m ON e.type IN (\(authorship)) AND m.message_id = e.subject
            WHERE e.actor IS NOT NULL \(inRange)
              AND (NOT \(TopicEvents.hasAuthority) OR (m.from_agent IS NOT NULL AND m.from_agent <> e.actor))
            ORDER BY e.seq DESC LIMIT ?3
            """, [seqRange?.lowerBound, seqRange?.upperBound, max(0, limit)]) { row in
            let agent = row.string(5)
            let owner = row.optionalString(7)
            let ownerHost = row.optionalString(8)
            let released = row.bool(9)
            let origin = row.string(4)
            let reason: String
            if row.bool(11), let author = row.optionalString(10) {
                reason = "\(agent) is not the author of \(row.string(6)) (its author is \(author))"
            } else if let owner, owner != origin, !released {
                let holder = "\(owner)\(ownerHost.map { " on \($0)" } ?? "")"
                reason = row.string(2) == EventType.agentRegister.rawValue
                    ? "agent \(agent) is already registered by \(holder)"
                    : "agent \(agent) belongs to \(holder), not to \(origin)"
            } else if owner == nil {
                reason = "agent \(agent) is not registered by any daemon"
            } else {
                reason = "\(origin) did not own agent \(agent) when it wrote this event"
            }
            return Conflict(seq: row.int64(0), eventID: row.string(1), type: row.string(2), timestamp: row.string(3),
                            originDaemon: origin, agent: agent, ownerDaemon: released ? nil : owner,
                            ownerHost: released ? nil : ownerHost, reason: reason)
        }
    }
}

extension EventStore {
    /// The newest `limit` events without effect, newest first.
    public func conflicts(limit: Int) throws(StoreError) -> [Conflict] {
        try withConnection { (connection) throws(StoreError) -> [Conflict] in
            try Conflicts.list(seqRange: nil, limit: limit, in: connection)
        }
    }

    /// Agent names this daemon registered that another daemon owns: its own registrations lost.
    public func agentsLost(by localDaemon: String) throws(StoreError) -> [AgentRow] {
        try withConnection { (connection) throws(StoreError) -> [AgentRow] in
            try connection.query("""
                SELECT \(Self.agentColumns) FROM agents a
                WHERE a.deregistered = 0 AND a.origin_daemon <> ?1
                  AND EXISTS(SELECT 1 FROM events e WHERE e.subject = a.name AND e.type = '\(EventType.agentRegister.rawValue)'
                             AND e.origin_daemon = ?1)
                ORDER BY a.name
                """, [localDaemon], Self.readAgent)
        }
    }
}
