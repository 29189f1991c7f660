import ThrumCore

/// The rule for each projection row, over the authorized events about it in
/// (timestamp, event_id) order (`TopicEvents.load`). Each writes the row or removes it.
enum ProjectionRows {
    /// The earliest create wins the ID; the text is a last-writer-wins register over that
    /// create and its author's edits; any delete by the author is a tombstone.
    static func message(_ id: String, known: KnownPayloads, in connection: Connection) throws(StoreError) {
        let events = try TopicEvents.load(subject: id, types: [.messageCreate, .threadReply, .messageEdit, .messageDelete],
                                          known: known, in: connection)
        guard let create = events.first(where: { $0.type == .messageCreate || $0.type == .threadReply }),
              let created = create.payload(MessageCreated.self) else {
            try connection.run("DELETE FROM messages WHERE message_id = ?1", [id])
            return
        }
        var text = created.text
        var editedAt: String?
        var deleted = false
        var afterCreate = false
        for event in events {
            if event.eventID == create.eventID { afterCreate = true }
            guard event.actor == create.actor else { continue }
            switch event.type {
            case .messageEdit?:
                // The last edit standing wins; one ordered before the create loses to the create's own text.
                guard afterCreate, let edit = event.payload(MessageEdited.self) else { continue }
                text = edit.text
                editedAt = event.timestamp
            case .messageDelete?:
                deleted = true
            default:
                continue
            }
        }
        try connection.run("""
            INSERT INTO messages (message_id, event_id, from_agent, recipient, text, thread_id, reply_to,
                                  created_at, edited_at, deleted, origin_daemon)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT(message_id) DO UPDATE SET event_id = excluded.event_id, from_agent = excluded.from_agent,
                recipient = excluded.recipient, text = excluded.text, thread_id = excluded.thread_id,
                reply_to = excluded.reply_to, created_at = excluded.created_at, edited_at = excluded.edited_at,
                deleted = excluded.deleted, origin_daemon = excluded.origin_daemon
            """, [id, create.eventID, create.actor, created.to, text, created.threadID, created.replyTo,
                  create.timestamp, editedAt, deleted, create.originDaemon])
    }

    /// The earliest start wins the ID; the end and the heartbeat are the latest of the
    /// session agent's own, whenever they arrived.
    static func session(_ id: String, known: KnownPayloads, in connection: Connection) throws(StoreError) {
        let events = try TopicEvents.load(subject: id, types: [.sessionStart, .sessionEnd, .sessionHeartbeat],
                                          known: known, in: connection)
        guard let start = events.first(where: { $0.type == .sessionStart }),
              let started = start.payload(SessionChange.self) else {
            try connection.run("DELETE FROM sessions WHERE session_id = ?1", [id])
            return
        }
        let own = events.filter { $0.actor == start.actor }
        let endedAt = own.last { $0.type == .sessionEnd }?.timestamp
        let heartbeat = own.last { $0.type == .sessionHeartbeat }?.timestamp
        try connection.run("""
            INSERT INTO sessions (session_id, agent, intent, started_at, ended_at, last_heartbeat)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT(session_id) DO UPDATE SET agent = excluded.agent, intent = excluded.intent,
                started_at = excluded.started_at, ended_at = excluded.ended_at, last_heartbeat = excluded.last_heartbeat
            """, [id, start.actor, started.intent, start.timestamp, endedAt, heartbeat])
    }

    /// The earliest `group.create` names the group's creator.
    static func group(_ name: String, in connection: Connection) throws(StoreError) {
        guard let create = try TopicEvents.load(subject: name, types: [.groupCreate], in: connection).first else {
            try connection.run("DELETE FROM \"groups\" WHERE name = ?1", [name])
            return
        }
        try connection.run("""
            INSERT INTO "groups" (name, created_by, created_at) VALUES (?1, ?2, ?3)
            ON CONFLICT(name) DO UPDATE SET created_by = excluded.created_by, created_at = excluded.created_at
            """, [name, create.actor, create.timestamp])
    }

    /// Membership is a last-writer-wins register over the agent's create/join and leave.
    static func membership(group: String, agent: String, in connection: Connection) throws(StoreError) {
        let latest = try TopicEvents.load(subject: group, types: [.groupCreate, .groupJoin, .groupLeave], actor: agent,
                                          in: connection).last
        if let latest, latest.type != .groupLeave {
            try connection.run("INSERT INTO group_members (group_name, agent) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                               [group, agent])
        } else {
            try connection.run("DELETE FROM group_members WHERE group_name = ?1 AND agent = ?2", [group, agent])
        }
    }
}
