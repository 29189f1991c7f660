import ThrumCore

/// What the log itself refuses from a peer, beyond the validation pipeline (DESIGN §7): an
/// event in this daemon's own name that its key did not sign, an unsigned event in the
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
            // Not in the log as it is: genuine only when this daemon's key signed it. Such an event
            // comes back from a peer after the log was lost or restored from a backup, and is taken
            // back; one that contradicts the log is a fork of this daemon (`Forks`).
            guard event.signature != nil, event.verifySignature() == nil else {
                return .refuse("claims to be written by this daemon (\(localDaemon)), but this daemon's key did not sign it")
            }
            return .new
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
