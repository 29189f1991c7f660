import Synchronization
import ThrumCore

/// An event as a projection rule reads it: enough to order it, check its authority and decode its payload.
struct TopicEvent {
    let eventID: String
    let type: EventType?
    let timestamp: String
    let originDaemon: String
    let sequence: Int64
    let data: String
    let actor: String
    /// The payload, when it was decoded already (an event of the batch being applied).
    var known: EventPayload?

    func payload<T: Decodable>(_ type: T.Type) -> T? {
        if let value = known?.value as? T { return value }
        return PayloadJSON.decode(type, from: data)
    }
}

/// Payloads decoded already, by `event_id`.
typealias KnownPayloads = [String: EventPayload]

/// Queries for the events that bear on one projection row, in the (timestamp, event_id) order
/// every rule uses.
enum TopicEvents {
    /// True for an event `e` whose origin daemon owned its acting agent when it wrote it: its
    /// `sequence` lies in one of that daemon's ownership spans of the agent (see `Ownership`).
    static let hasAuthority = """
        EXISTS(SELECT 1 FROM agent_owners o WHERE o.name = e.actor AND o.origin_daemon = e.origin_daemon
               AND e.sequence >= o.from_sequence AND (o.to_sequence IS NULL OR e.sequence <= o.to_sequence))
        """

    /// The events about `subject` of the given types, optionally only one actor's, optionally
    /// only those with authority, oldest first.
    static func load(subject: String, types: [EventType], actor: String? = nil, authorizedOnly: Bool = true,
                     known: KnownPayloads = [:], in connection: Connection) throws(StoreError) -> [TopicEvent] {
        try connection.query(sql(types: types, authorizedOnly: authorizedOnly), [subject, actor]) { row in
            let eventID = row.string(0)
            return TopicEvent(eventID: eventID, type: EventType(rawValue: row.string(1)), timestamp: row.string(2),
                              originDaemon: row.string(3), sequence: row.int64(4), data: row.string(5),
                              actor: row.string(6), known: known[eventID])
        }
    }

    /// The query for one set of types, built once: it is run for every row re-derived.
    private static func sql(types: [EventType], authorizedOnly: Bool) -> String {
        let key = types.map(\.rawValue).joined(separator: ",") + (authorizedOnly ? "|authorized" : "")
        return queries.withLock { cache in
            if let known = cache[key] { return known }
            let typeList = types.map { "'\($0.rawValue)'" }.joined(separator: ",")
            let sql = """
                SELECT e.event_id, e.type, e.timestamp, e.origin_daemon, e.sequence, e.data, e.actor FROM events e
                WHERE e.subject = ?1 AND e.type IN (\(typeList)) AND (?2 IS NULL OR e.actor = ?2)
                \(authorizedOnly ? "AND \(hasAuthority)" : "")
                ORDER BY e.at_ms, e.event_id
                """
            cache[key] = sql
            return sql
        }
    }

    private static let queries = Mutex<[String: String]>([:])
}
