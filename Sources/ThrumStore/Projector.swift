import ThrumCore

/// Updates the projection tables for one event, inside the caller's transaction.
/// Times come from the event's own timestamp, so every daemon that has the same events
/// in the same per-origin order computes the same projections. An unknown type or a
/// payload that does not decode changes nothing (the event itself is still stored).
///
/// Ordering: rules are idempotent (INSERT … DO NOTHING, guarded UPDATEs), and the pull
/// protocol hands every daemon each origin's events in that origin's order, so an edit
/// or delete always follows the create it refers to when both come from the same daemon.
/// An edit or delete that reaches a daemon before its create (possible only when one
/// agent name writes from two daemons) is not re-applied later.
enum Projector {
    static func apply(_ event: Event, in connection: Connection) throws(StoreError) {
        guard let type = event.knownType else { return }
        let at = event.timestamp
        switch type {
        case .agentRegister:
            guard let payload = decode(AgentRegistered.self, event) else { return }
            try connection.run("""
                INSERT INTO agents (name, role, host, origin_daemon, registered_at, deregistered)
                VALUES (?1, ?2, ?3, ?4, ?5, 0)
                ON CONFLICT(name) DO UPDATE SET role = excluded.role, host = excluded.host,
                    origin_daemon = excluded.origin_daemon, registered_at = excluded.registered_at, deregistered = 0
                """, [payload.agent, payload.role, payload.host, event.originDaemon, at])

        case .agentDeregister:
            guard let payload = decode(AgentDeregistered.self, event) else { return }
            try connection.run("UPDATE agents SET deregistered = 1 WHERE name = ?1", [payload.agent])

        case .sessionStart:
            guard let payload = decode(SessionChange.self, event) else { return }
            try connection.run("""
                INSERT INTO sessions (session_id, agent, intent, started_at) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT(session_id) DO NOTHING
                """, [payload.sessionID, payload.agent, payload.intent, at])

        case .sessionEnd:
            guard let payload = decode(SessionChange.self, event) else { return }
            try connection.run("UPDATE sessions SET ended_at = ?2 WHERE session_id = ?1 AND ended_at IS NULL",
                               [payload.sessionID, at])

        case .sessionHeartbeat:
            guard let payload = decode(SessionChange.self, event) else { return }
            // Keep the latest heartbeat even if an older one is applied after it.
            try connection.run("""
                UPDATE sessions SET last_heartbeat = ?2
                WHERE session_id = ?1 AND (last_heartbeat IS NULL OR last_heartbeat < ?2)
                """, [payload.sessionID, at])

        case .messageCreate, .threadReply:
            guard let payload = decode(MessageCreated.self, event) else { return }
            try connection.run("""
                INSERT INTO messages (message_id, event_id, from_agent, recipient, text, thread_id, reply_to,
                                      created_at, origin_daemon)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                ON CONFLICT(message_id) DO NOTHING
                """, [payload.messageID, event.eventID, payload.from, payload.to, payload.text, payload.threadID,
                      payload.replyTo, at, event.originDaemon])

        case .messageEdit:
            guard let payload = decode(MessageEdited.self, event) else { return }
            // Only the author may edit; anyone else's edit is ignored.
            try connection.run("UPDATE messages SET text = ?3, edited_at = ?4 WHERE message_id = ?1 AND from_agent = ?2",
                               [payload.messageID, payload.agent, payload.text, at])

        case .messageDelete:
            guard let payload = decode(MessageDeleted.self, event) else { return }
            try connection.run("UPDATE messages SET deleted = 1 WHERE message_id = ?1 AND from_agent = ?2",
                               [payload.messageID, payload.agent])

        case .groupCreate:
            guard let payload = decode(GroupChange.self, event) else { return }
            try connection.run("""
                INSERT INTO "groups" (name, created_by, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(name) DO NOTHING
                """, [payload.group, payload.agent, at])
            try addMember(payload, in: connection)

        case .groupJoin:
            guard let payload = decode(GroupChange.self, event) else { return }
            try addMember(payload, in: connection)

        case .groupLeave:
            guard let payload = decode(GroupChange.self, event) else { return }
            try connection.run("DELETE FROM group_members WHERE group_name = ?1 AND agent = ?2",
                               [payload.group, payload.agent])

        case .subscribe:
            guard let payload = decode(SubscriptionChange.self, event) else { return }
            try connection.run("INSERT INTO subscriptions (agent, topic) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                               [payload.agent, payload.topic])

        case .unsubscribe:
            guard let payload = decode(SubscriptionChange.self, event) else { return }
            try connection.run("DELETE FROM subscriptions WHERE agent = ?1 AND topic = ?2",
                               [payload.agent, payload.topic])

        case .threadCreate:
            guard let payload = decode(ThreadCreated.self, event) else { return }
            try connection.run("""
                INSERT INTO threads (thread_id, title, created_by, created_at) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT(thread_id) DO NOTHING
                """, [payload.threadID, payload.title, payload.agent, at])
        }
    }

    private static func addMember(_ change: GroupChange, in connection: Connection) throws(StoreError) {
        try connection.run("INSERT INTO group_members (group_name, agent) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                           [change.group, change.agent])
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ event: Event) -> T? {
        PayloadJSON.decode(type, from: event.data)
    }
}
