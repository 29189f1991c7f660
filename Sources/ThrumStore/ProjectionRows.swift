import ThrumCore

/// The rule for each projection row, over the events about it (`TopicEvents.load`). Each writes
/// the row or removes it. Every row but a group's is written by one daemon only, so its rule
/// reads that daemon's events in `sequence` order: a writer's own history is never reordered by
/// its clock, and no other daemon's event can reach the row (DESIGN §5).
enum ProjectionRows {
    /// An agent is its own daemon's register and deregister events: registered while the last
    /// of them is a registration; role and host from the last registration.
    static func agent(_ address: String, known: KnownPayloads, in connection: Connection) throws(StoreError) {
        let events = try TopicEvents.load(subject: address, types: [.agentRegister, .agentDeregister], known: known,
                                          in: connection)
        let registrations = events.filter { $0.type == .agentRegister }
        guard let first = registrations.first, let last = registrations.last,
              let registered = last.payload(AgentRegistered.self) else {
            try connection.run("DELETE FROM agents WHERE address = ?1", [address])
            return
        }
        // Every event of the address is its daemon's (`EventTopic`): the address is NAME@ORIGIN.
        let daemon = first.originDaemon, name = String(address.dropLast(first.originDaemon.count + 1))
        try connection.run("""
            INSERT INTO agents (address, name, origin_daemon, role, host, registered_at, deregistered)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT(address) DO UPDATE SET role = excluded.role, host = excluded.host,
                registered_at = excluded.registered_at, deregistered = excluded.deregistered
            """, [address, name, daemon, registered.role, registered.host, first.timestamp,
                  events.last?.type == .agentDeregister])
    }

    /// The first create (by its daemon's sequence) makes the message; the text is the author's
    /// last edit after it; any delete by the author is a tombstone.
    static func message(_ id: String, known: KnownPayloads, in connection: Connection) throws(StoreError) {
        let events = try TopicEvents.load(subject: id, types: [.messageCreate, .threadReply, .messageEdit, .messageDelete],
                                          known: known, in: connection)
        guard let create = events.first(where: { $0.type == .messageCreate || $0.type == .threadReply }),
              let created = create.payload(MessageCreated.self) else {
            try connection.run("DELETE FROM messages WHERE message_id = ?1", [id])
            try Delivery.derive(message: id, recipients: [], in: connection)
            return
        }
        var text = created.text
        var editedAt: String?
        var deleted = false
        for event in events where event.actor == create.actor {
            switch event.type {
            case .messageEdit?:
                // An edit numbered before the create cannot be of it: the create's own text stands.
                guard event.sequence > create.sequence, let edit = event.payload(MessageEdited.self) else { continue }
                text = edit.text
                editedAt = event.timestamp
            case .messageDelete?:
                deleted = true
            default:
                continue
            }
        }
        let recipientAgent = try LegacyRecipients.agent(addressedBy: created.to, in: create, in: connection)
        let recipients = created.recipients.map { PayloadJSON.encode(Array(Set($0)).sorted()) }
        try connection.run("""
            INSERT INTO messages (message_id, event_id, from_agent, recipient, recipient_agent, text, thread_id, reply_to,
                                  created_at, edited_at, deleted, origin_daemon, recipients, ack_required, ack_within)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT(message_id) DO UPDATE SET event_id = excluded.event_id, from_agent = excluded.from_agent,
                recipient = excluded.recipient, recipient_agent = excluded.recipient_agent, text = excluded.text,
                thread_id = excluded.thread_id, reply_to = excluded.reply_to, created_at = excluded.created_at,
                edited_at = excluded.edited_at, deleted = excluded.deleted, origin_daemon = excluded.origin_daemon,
                recipients = excluded.recipients, ack_required = excluded.ack_required, ack_within = excluded.ack_within
            """, [id, create.eventID, create.actor, created.to, recipientAgent, text, created.threadID, created.replyTo,
                  create.timestamp, editedAt, deleted, create.originDaemon, recipients, created.ackRequired ?? false,
                  created.ackWithin])
        try Delivery.derive(message: id, recipients: Delivery.recipients(of: created, addressedTo: recipientAgent),
                            in: connection)
    }

    /// The first start makes the session; its end and heartbeat are the session agent's last.
    static func session(_ id: String, known: KnownPayloads, in connection: Connection) throws(StoreError) {
        let events = try TopicEvents.load(subject: id, types: [.sessionStart, .sessionEnd, .sessionHeartbeat],
                                          known: known, in: connection)
        guard let start = events.first(where: { $0.type == .sessionStart }),
              let started = start.payload(SessionChange.self) else {
            try connection.run("DELETE FROM sessions WHERE session_id = ?1", [id])
            return
        }
        let own = events.filter { $0.actor == start.actor && $0.sequence >= start.sequence }
        let endedAt = own.last { $0.type == .sessionEnd }?.timestamp
        let heartbeat = own.last { $0.type == .sessionHeartbeat }?.timestamp
        try connection.run("""
            INSERT INTO sessions (session_id, agent, intent, started_at, ended_at, last_heartbeat)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT(session_id) DO UPDATE SET agent = excluded.agent, intent = excluded.intent,
                started_at = excluded.started_at, ended_at = excluded.ended_at, last_heartbeat = excluded.last_heartbeat
            """, [id, start.actor, started.intent, start.timestamp, endedAt, heartbeat])
    }

    /// A group is a global label: the earliest `group.create` by (timestamp, origin, event_id)
    /// names its creator, for display only (a group confers no rights).
    static func group(_ name: String, in connection: Connection) throws(StoreError) {
        guard let create = try TopicEvents.load(subject: name, types: [.groupCreate], order: .time, in: connection).first else {
            try connection.run("DELETE FROM \"groups\" WHERE name = ?1", [name])
            return
        }
        try connection.run("""
            INSERT INTO "groups" (name, created_by, created_at) VALUES (?1, ?2, ?3)
            ON CONFLICT(name) DO UPDATE SET created_by = excluded.created_by, created_at = excluded.created_at
            """, [name, create.actor, create.timestamp])
    }

    /// Membership is the agent's own last create/join or leave of the group.
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
