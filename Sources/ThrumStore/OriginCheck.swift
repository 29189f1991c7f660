import ThrumCore

/// What the log itself refuses from a peer, beyond the validation pipeline (DESIGN §7): an
/// event in this daemon's own name that is not the one it wrote, an unsigned event in the
/// name of a daemon whose key is known, and an event that acts as another daemon's agent or
/// names an ID another daemon made (`EventPayload.foreignClaim`).
enum OriginCheck {
    enum Verdict: Equatable {
        case new
        /// Already in the log, byte for byte where it matters (this daemon's own events).
        case known
        case refuse(String, ValidationStage = .signature)
    }

    static func check(_ prepared: PreparedEvent, localDaemon: String, in connection: Connection) throws(StoreError) -> Verdict {
        let event = prepared.event
        if event.originDaemon == localDaemon {
            let logged = try connection.queryFirst(
                "SELECT \(EventRows.columns) FROM events WHERE origin_daemon = ?1 AND event_id = ?2 AND sequence = ?3",
                [event.originDaemon, event.eventID, event.sequence]) { EventRows.read($0).event }
            if logged == event { return .known }
            return .refuse(logged == nil
                ? "claims to be written by this daemon (\(localDaemon)), which never wrote it"
                : "claims to be this daemon's event \(event.eventID) but differs from the one in its log")
        }
        if let claim = prepared.payload?.foreignClaim(origin: event.originDaemon) {
            return .refuse(claim, .identity)
        }
        if event.signature == nil, try connection.scalarInt("""
            SELECT EXISTS(SELECT 1 FROM events WHERE origin_daemon = ?1 AND signature IS NOT NULL)
            """, [event.originDaemon]) != 0 {
            return .refuse("is unsigned, but \(event.originDaemon) signs its events (its key is known here); only signed events in its name are accepted")
        }
        return .new
    }
}
