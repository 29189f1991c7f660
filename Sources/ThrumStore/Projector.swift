import ThrumCore

/// Keeps the projection tables a function of the set of events in the log (DESIGN §5).
///
/// After events are inserted, every row they bear on is re-derived as a whole from all the
/// events about it in the log, under rules that do not depend on arrival order: each rule
/// reads its events in (timestamp, event_id) order and counts only those whose origin owned
/// the acting agent (`Ownership`). An edit, delete, heartbeat or membership change that
/// arrives before what it refers to is in the log, so it takes effect once that arrives.
/// The rules, as a table, are in docs/projections.md.
enum Projector {
    /// Re-derives every row the inserted `events` bear on. Returns the agent names whose
    /// ownership changed.
    @discardableResult
    static func project(_ events: [PreparedEvent], in connection: Connection) throws(StoreError) -> [String] {
        var agents: [String] = []
        var seenAgents = Set<String>()
        var keys = Set<ProjectionKey>()
        var known = KnownPayloads()
        known.reserveCapacity(events.count)
        for prepared in events {
            let (event, topic) = (prepared.event, prepared.topic)
            guard let type = event.knownType, let subject = topic.subject, let actor = topic.actor else { continue }
            if let payload = prepared.payload { known[event.eventID] = payload }
            if type == .agentRegister || type == .agentDeregister {
                if seenAgents.insert(subject).inserted { agents.append(subject) }
            } else {
                keys.formUnion(ProjectionKey.keys(type: type, subject: subject, actor: actor))
            }
        }
        var changed: [String] = []
        for name in agents where try Ownership.rederive(name, in: connection) {
            changed.append(name)
            try keys.formUnion(keysActed(by: name, in: connection))
        }
        for key in keys {
            try rederive(key, known: known, in: connection)
        }
        return changed
    }

    /// Every row an event acting as `agent` bears on.
    static func keysActed(by agent: String, in connection: Connection) throws(StoreError) -> [ProjectionKey] {
        try connection.query("SELECT DISTINCT type, subject FROM events WHERE actor = ?1", [agent]) { row in
            EventType(rawValue: row.string(0)).map { ProjectionKey.keys(type: $0, subject: row.string(1), actor: agent) } ?? []
        }.flatMap { $0 }
    }

    /// `known` holds payloads already decoded for some of the events (the batch just inserted).
    static func rederive(_ key: ProjectionKey, known: KnownPayloads = [:], in connection: Connection) throws(StoreError) {
        switch key {
        case let .message(id): try ProjectionRows.message(id, known: known, in: connection)
        case let .session(id): try ProjectionRows.session(id, known: known, in: connection)
        case let .group(name): try ProjectionRows.group(name, in: connection)
        case let .membership(group, agent): try ProjectionRows.membership(group: group, agent: agent, in: connection)
        }
    }
}

extension Projector {
    /// Empties the projection tables and derives every row again from the log: ownership
    /// first, then each row once. Streams the log; read marks (local state) are kept.
    static func rederiveAll(in connection: Connection) throws(StoreError) {
        for table in Schema.projectionTables {
            try connection.run("DELETE FROM \(table.name)")
        }
        let ownershipTypes = "'\(EventType.agentRegister.rawValue)', '\(EventType.agentDeregister.rawValue)'"
        try connection.forEachRow("""
            SELECT DISTINCT subject FROM events WHERE type IN (\(ownershipTypes)) AND subject IS NOT NULL
            """) { (row) throws(StoreError) in
            _ = try Ownership.rederive(row.string(0), in: connection)
            return true
        }
        try connection.forEachRow("""
            SELECT DISTINCT type, subject, actor FROM events
            WHERE type NOT IN (\(ownershipTypes)) AND subject IS NOT NULL AND actor IS NOT NULL
            """) { (row) throws(StoreError) in
            guard let type = EventType(rawValue: row.string(0)) else { return true }
            for key in ProjectionKey.keys(type: type, subject: row.string(1), actor: row.string(2)) {
                try rederive(key, in: connection)
            }
            return true
        }
    }
}
