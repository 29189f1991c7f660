// The quarantine as the control socket sends it (`quarantine.list`).

/// An event a peer sent that failed validation, kept for the operator instead of applied.
public struct QuarantineRecord: Codable, Sendable, Equatable {
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
        self.eventID = eventID; self.receivedAt = receivedAt; self.fromDaemon = fromDaemon
        self.reason = reason; self.stage = stage; self.eventJSON = eventJSON
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id", receivedAt = "received_at", fromDaemon = "from_daemon", reason, stage
        case eventJSON = "event_json"
    }
}

public struct QuarantineList: Codable, Sendable {
    public var events: [QuarantineRecord]
    /// Older entries dropped by THRUM_QUARANTINE_MAX_EVENTS / _MAX_BYTES since the daemon started.
    public var dropped: Int
    public init(events: [QuarantineRecord], dropped: Int) { self.events = events; self.dropped = dropped }
}
