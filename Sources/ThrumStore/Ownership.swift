import ThrumCore

/// Who owns an agent name, decided from the name's `agent.register` and `agent.deregister`
/// events alone, the same way on every daemon (DESIGN §5, "an agent belongs to one daemon").
///
/// Those events are folded in (timestamp, event_id) order. A registration while nobody owns
/// the name makes its origin the owner, from that event's `sequence` on; a registration by
/// the owner only refreshes role and host; the owner's deregistration releases the name at
/// its `sequence`. A registration or deregistration by any other daemon has no effect: it
/// is a conflict. Each owner holds the name over a span of its own sequence numbers, and an
/// event acting as the agent takes effect only if its origin's span covers its `sequence`
/// (`TopicEvents.hasAuthority`). Sequence spans, not timestamps, so that a daemon's own
/// clock can never put its events outside the span its own registration opened.
enum Ownership {
    struct Span: Equatable {
        var originDaemon: String
        var fromSequence: Int64
        var toSequence: Int64?
    }

    /// The `agents` row: the newest span's owner, its registration and latest role and host.
    struct Registration: Equatable {
        var role: String?
        var host: String?
        var originDaemon: String
        var registeredAt: String
        var released: Bool
    }

    static func fold(_ events: [TopicEvent]) -> (spans: [Span], registration: Registration?) {
        var spans: [Span] = []
        var registration: Registration?
        var owner: String?
        for event in events {
            switch event.type {
            case .agentRegister?:
                guard owner == nil || owner == event.originDaemon,
                      let payload = event.payload(AgentRegistered.self) else { continue }
                if owner == nil {
                    owner = event.originDaemon
                    spans.append(Span(originDaemon: event.originDaemon, fromSequence: event.sequence, toSequence: nil))
                    registration = Registration(role: payload.role, host: payload.host, originDaemon: event.originDaemon,
                                                registeredAt: event.timestamp, released: false)
                } else {
                    registration?.role = payload.role
                    registration?.host = payload.host
                }
            case .agentDeregister?:
                guard owner == event.originDaemon else { continue }
                owner = nil
                spans[spans.count - 1].toSequence = event.sequence
                registration?.released = true
            default:
                continue
            }
        }
        return (spans, registration)
    }

    /// Re-derives `agent_owners` and `agents` for `name`; true when the spans changed, which
    /// changes the authority of every event acting as the agent.
    static func rederive(_ name: String, in connection: Connection) throws(StoreError) -> Bool {
        let events = try TopicEvents.load(subject: name, types: [.agentRegister, .agentDeregister],
                                          authorizedOnly: false, in: connection)
        let (spans, registration) = fold(events)
        let before = try connection.query("""
            SELECT origin_daemon, from_sequence, to_sequence FROM agent_owners WHERE name = ?1 ORDER BY position
            """, [name]) { row in
            Span(originDaemon: row.string(0), fromSequence: row.int64(1),
                 toSequence: row.isNull(2) ? nil : row.int64(2))
        }
        if before != spans {
            try connection.run("DELETE FROM agent_owners WHERE name = ?1", [name])
            for (position, span) in spans.enumerated() {
                try connection.run("""
                    INSERT INTO agent_owners (name, position, origin_daemon, from_sequence, to_sequence)
                    VALUES (?1, ?2, ?3, ?4, ?5)
                    """, [name, position, span.originDaemon, span.fromSequence, span.toSequence])
            }
        }
        if let registration {
            try connection.run("""
                INSERT INTO agents (name, role, host, origin_daemon, registered_at, deregistered)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT(name) DO UPDATE SET role = excluded.role, host = excluded.host,
                    origin_daemon = excluded.origin_daemon, registered_at = excluded.registered_at,
                    deregistered = excluded.deregistered
                """, [name, registration.role, registration.host, registration.originDaemon,
                      registration.registeredAt, registration.released])
        } else {
            try connection.run("DELETE FROM agents WHERE name = ?1", [name])
        }
        return before != spans
    }
}
