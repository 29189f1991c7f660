import Synchronization
import ThrumCore

/// An event as a projection rule reads it: enough to order it and decode its payload.
struct TopicEvent {
    let eventID: String
    let type: EventType?
    let timestamp: String
    let originDaemon: String
    let sequence: Int64
    let data: String
    /// The address of the agent it acts as (`NAME@d_…`).
    let actor: String
    let atMS: Int64
    /// The payload, when it was decoded already (an event of the batch being applied).
    var known: EventPayload?

    func payload<T: Decodable>(_ type: T.Type) -> T? {
        if let value = known?.value as? T { return value }
        return PayloadJSON.decode(type, from: data)
    }
}

/// An event's identity in the log: its origin, its `event_id` and its sequence (an `event_id`
/// alone is only its origin's, DESIGN §4).
struct EventKey: Hashable {
    let origin: String
    let eventID: String
    let sequence: Int64
}

/// Payloads decoded already, by event.
typealias KnownPayloads = [EventKey: EventPayload]

/// Queries for the events that bear on one projection row.
enum TopicEvents {
    /// How a rule orders its events.
    enum Order: String {
        /// By the origin's `sequence`: for rows that only one daemon writes (an agent, its
        /// messages, sessions and memberships), so a clock never reorders a writer's own history.
        case sequence = "e.sequence, e.event_id"
        /// By (timestamp, origin, event_id): for rows that several daemons write (a group's creation).
        case time = "e.at_ms, e.origin_daemon, e.event_id"
    }

    /// The events about `subject` of the given types, optionally only one actor's, in `order`;
    /// never those the fork rule voids (`Forks`).
    static func load(subject: String, types: [EventType], actor: String? = nil, order: Order = .sequence,
                     known: KnownPayloads = [:], in connection: Connection) throws(StoreError) -> [TopicEvent] {
        try connection.query(sql(types: types, order: order), [subject, actor]) { row in
            let eventID = row.string(0), origin = row.string(3)
            return TopicEvent(eventID: eventID, type: EventType(rawValue: row.string(1)), timestamp: row.string(2),
                              originDaemon: origin, sequence: row.int64(4), data: row.string(5),
                              actor: row.string(6), atMS: row.int64(7),
                              known: known[EventKey(origin: origin, eventID: eventID, sequence: row.int64(4))])
        }
    }

    /// The query for one set of types and order, built once: it is run for every row re-derived.
    private static func sql(types: [EventType], order: Order) -> String {
        let key = types.map(\.rawValue).joined(separator: ",") + "|" + order.rawValue
        return queries.withLock { cache in
            if let known = cache[key] { return known }
            let typeList = types.map { "'\($0.rawValue)'" }.joined(separator: ",")
            let sql = """
                SELECT e.event_id, e.type, e.timestamp, e.origin_daemon, e.sequence, e.data, e.actor, e.at_ms FROM events e
                WHERE e.subject = ?1 AND e.type IN (\(typeList)) AND (?2 IS NULL OR e.actor = ?2) AND NOT \(Forks.voided)
                ORDER BY \(order.rawValue)
                """
            cache[key] = sql
            return sql
        }
    }

    private static let queries = Mutex<[String: String]>([:])
}
