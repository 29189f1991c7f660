import ThrumCore

/// Keeps the projection tables a function of the set of events in the log (DESIGN §5).
///
/// After events are inserted, every row they bear on is re-derived as a whole from all the
/// events about it in the log, under rules that do not depend on arrival order (`ProjectionRows`).
/// Every row but a group's belongs to one daemon and is keyed in its scope (`EventTopic`), so
/// only that daemon's events bear on it, read in its own `sequence` order. An edit, delete,
/// heartbeat or membership change that arrives before what it refers to is in the log, so it
/// takes effect once that arrives. The rules, as a table, are in docs/projections.md.
enum Projector {
    /// Re-derives every row the inserted `events` bear on.
    static func project(_ events: [PreparedEvent], in connection: Connection) throws(StoreError) {
        var keys = Set<ProjectionKey>()
        var known = KnownPayloads()
        known.reserveCapacity(events.count)
        for prepared in events {
            let (event, topic) = (prepared.event, prepared.topic)
            keys.formUnion(Delivery.keys(of: prepared.payload))
            guard let type = event.knownType, let subject = topic.subject, let actor = topic.actor else { continue }
            if let payload = prepared.payload { known[EventKey(origin: event.originDaemon, eventID: event.eventID, sequence: event.sequence)] = payload }
            keys.formUnion(ProjectionKey.keys(type: type, subject: subject, actor: actor,
                                              legacyName: prepared.payload.flatMap(LegacyRecipients.legacyName)))
        }
        for key in keys {
            try rederive(key, known: known, in: connection)
        }
    }

    /// `known` holds payloads already decoded for some of the events (the batch just inserted).
    static func rederive(_ key: ProjectionKey, known: KnownPayloads = [:], in connection: Connection) throws(StoreError) {
        switch key {
        case let .agent(address): try ProjectionRows.agent(address, known: known, in: connection)
        case let .message(id): try ProjectionRows.message(id, known: known, in: connection)
        case let .session(id): try ProjectionRows.session(id, known: known, in: connection)
        case let .group(name): try ProjectionRows.group(name, in: connection)
        case let .membership(group, agent): try ProjectionRows.membership(group: group, agent: agent, in: connection)
        case let .claim(id): try Claims.derive(id, known: known, in: connection)
        case let .legacyRecipient(name):
            for id in try LegacyRecipients.messages(sentTo: name, in: connection) {
                try ProjectionRows.message(id, known: known, in: connection)
            }
        }
    }
}

extension Projector {
    /// Empties the projection tables and derives every row again from the log, each row once.
    /// Streams the log; read marks (local state) are kept.
    static func rederiveAll(in connection: Connection) throws(StoreError) {
        // A migration re-deriving everything runs before the later migrations add their tables.
        for table in Schema.projectionTables where try connection.scalarInt(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table.name.filter { $0 != "\"" }]) > 0 {
            try connection.run("DELETE FROM \(table.name)")
        }
        try connection.forEachRow("""
            SELECT DISTINCT type, subject, actor FROM events WHERE subject IS NOT NULL AND actor IS NOT NULL
            """) { (row) throws(StoreError) in
            guard let type = EventType(rawValue: row.string(0)) else { return true }
            for key in ProjectionKey.keys(type: type, subject: row.string(1), actor: row.string(2)) {
                try rederive(key, in: connection)
            }
            return true
        }
    }
}
