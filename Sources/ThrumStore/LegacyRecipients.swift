import ThrumCore

/// Who a message reaches when it names an agent (DESIGN §5). A message written since scoped
/// agents names its recipient by full address (`@NAME@d_…`), resolved by its sender. One
/// written before names a bare `@NAME`; it keeps the meaning it had then: the agent that owned
/// NAME under the old first-registration rule, as of the message.
///
/// The old rule, kept only for that: the registrations and deregistrations of NAME written in
/// the legacy form (a bare name in the payload), folded in (timestamp, event_id) order; a
/// registration while nobody owns the name makes its daemon the owner, the owner's
/// deregistration releases it, everything else has no effect. Current daemons never write a
/// bare name, so only events from before the upgrade (or from an old release) take part.
enum LegacyRecipients {
    /// The bare name of a legacy `agent.register` or `agent.deregister` payload.
    static func legacyName(of payload: EventPayload) -> String? {
        switch payload {
        case let .agentRegistered(p) where AgentAddress(parsing: p.agent) == nil: return p.agent
        case let .agentDeregistered(p) where AgentAddress(parsing: p.agent) == nil: return p.agent
        default: return nil
        }
    }

    /// The address of the agent `to` reaches, for the message created by `create`; nil for a
    /// group, `@everyone`, or a legacy name nobody ever registered.
    static func agent(addressedBy to: String, in create: TopicEvent, in connection: Connection) throws(StoreError) -> String? {
        guard to.hasPrefix("@"), to != "@everyone" else { return nil }
        let named = to.dropFirst()
        if let address = AgentAddress(parsing: named) { return address.description }
        return try owner(of: String(named), asOf: (create.atMS, create.eventID), in: connection)
            .map { AgentAddress(name: String(named), daemonID: $0).description }
    }

    /// The daemon that owned `name` under the old rule at `position`, else the first one to own it after.
    static func owner(of name: String, asOf position: (Int64, String), in connection: Connection) throws(StoreError) -> String? {
        // Legacy registrations of NAME are scoped to their origins: their subjects are `NAME@d_…`.
        let events = try connection.query("""
            SELECT e.type, e.origin_daemon, e.at_ms, e.event_id, e.data FROM events e
            WHERE e.subject >= ?1 || '@' AND e.subject < ?1 || 'A'
              AND e.type IN ('\(EventType.agentRegister.rawValue)', '\(EventType.agentDeregister.rawValue)')
              AND NOT \(Forks.voided)
            ORDER BY e.at_ms, e.event_id
            """, [name]) { row in
            (type: row.string(0), origin: row.string(1), at: (row.int64(2), row.string(3)), data: row.string(4))
        }
        var owner: String?
        var passed = false
        for event in events {
            guard PayloadJSON.decode(AgentDeregistered.self, from: event.data)?.agent == name else { continue }
            if !passed, event.at > position {
                passed = true
                if owner != nil { return owner }
            }
            if event.type == EventType.agentRegister.rawValue {
                if owner == nil {
                    owner = event.origin
                    if passed { return owner }
                }
            } else if owner == event.origin {
                owner = nil
            }
        }
        return owner
    }

    /// The messages sent to a bare `@name`.
    static func messages(sentTo name: String, in connection: Connection) throws(StoreError) -> [String] {
        try connection.query("SELECT message_id FROM messages WHERE recipient = ?1", ["@" + name]) { $0.string(0) }
    }
}
