/// An event a peer sent that failed validation, kept for the operator instead of applied.
public struct QuarantinedEvent: Sendable, Equatable {
    /// nil when the event could not be decoded far enough to read its ID.
    public var eventID: String?
    public var receivedAt: String
    public var fromDaemon: String
    public var reason: String
    /// The validation stage that rejected it (e.g. "schema", "signature").
    public var stage: String
    /// The event as received.
    public var eventJSON: String

    public init(eventID: String?, receivedAt: String, fromDaemon: String, reason: String, stage: String,
                eventJSON: String) {
        self.eventID = eventID
        self.receivedAt = receivedAt
        self.fromDaemon = fromDaemon
        self.reason = reason
        self.stage = stage
        self.eventJSON = eventJSON
    }
}

/// The `quarantined_events` table.
enum Quarantine {
    static let columns = "event_id, received_at, from_daemon, reason, stage, event_json"

    static func insert(_ entry: QuarantinedEvent, bound: QuarantineBound, in connection: Connection) throws(StoreError) {
        try connection.run("INSERT INTO quarantined_events (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           [entry.eventID, entry.receivedAt, entry.fromDaemon, entry.reason, entry.stage,
                            bound.stored(entry.eventJSON)])
    }

    /// Drops the oldest entries past `bound`'s row and byte caps; returns how many.
    static func trim(to bound: QuarantineBound, in connection: Connection) throws(StoreError) -> Int {
        let byRows = try connection.run(
            "DELETE FROM quarantined_events WHERE id IN "
                + "(SELECT id FROM quarantined_events ORDER BY id DESC LIMIT -1 OFFSET ?1)",
            [Int64(bound.maxEvents)])
        // The newest entries whose running total of JSON bytes fits stay; everything older goes.
        let byBytes = try connection.run(
            "DELETE FROM quarantined_events WHERE id <= (SELECT id FROM "
                + "(SELECT id, SUM(length(CAST(event_json AS BLOB))) OVER (ORDER BY id DESC) AS total FROM quarantined_events) "
                + "WHERE total > ?1 ORDER BY id DESC LIMIT 1)",
            [Int64(bound.maxBytes)])
        return byRows + byBytes
    }

    static func read(_ row: Row) -> QuarantinedEvent {
        QuarantinedEvent(eventID: row.optionalString(0), receivedAt: row.string(1), fromDaemon: row.string(2),
                         reason: row.string(3), stage: row.string(4), eventJSON: row.string(5))
    }
}
