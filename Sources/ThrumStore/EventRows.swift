import ThrumCore

/// Reading and writing rows of the `events` table, shared by local writes, pulled batches,
/// paging and replays so the column list lives in one place.
enum EventRows {
    /// Columns in the order `read` expects them.
    static let columns = preChainColumns + ", prev"
    /// The columns before schema 6 added `prev`, for the migrations that run before it (`read(_:chained: false)`).
    static let preChainColumns = "seq, event_id, type, timestamp, origin_daemon, origin_key, sequence, data, signature, received_from"

    /// Inserts the event with its topic columns unless it is already known: by its origin, its
    /// `event_id` and its sequence (another origin's event with the same `event_id` is a different event).
    /// Returns its new `seq`, or nil when skipped.
    static func insert(_ prepared: PreparedEvent, receivedFrom: String?, receivedAt: String,
                       in connection: Connection) throws(StoreError) -> Int64? {
        let (event, topic) = (prepared.event, prepared.topic)
        let changed = try connection.run("""
            INSERT INTO events (event_id, type, timestamp, origin_daemon, origin_key, sequence, data,
                                signature, received_from, received_at, subject, actor, at_ms, prev, hash)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT(origin_daemon, event_id, sequence) DO NOTHING
            """, [event.eventID, event.type, event.timestamp, event.originDaemon, event.originKey,
                  event.sequence, event.data, event.signature, receivedFrom, receivedAt,
                  topic.subject, topic.actor, topic.atMS, event.prev, prepared.hash])
        guard changed == 1 else { return nil }
        let seq = connection.lastInsertRowID
        try Delivery.index(prepared, in: connection)
        return seq
    }

    static func read(_ row: Row, chained: Bool = true) -> StoredEvent {
        let event = Event(eventID: row.string(1), type: row.string(2), timestamp: row.string(3),
                          originDaemon: row.string(4), originKey: row.string(5), sequence: row.int64(6),
                          prev: chained ? row.optionalString(10) : nil, data: row.string(7), signature: row.optionalString(8))
        return StoredEvent(seq: row.int64(0), event: event, receivedFrom: row.optionalString(9))
    }
}

extension EventRows {
    /// Computes the topic columns of every event in the log (the upgrade to schema 2; schema 5
    /// computes them again in each origin's scope).
    static func fillTopics(in connection: Connection) throws(StoreError) {
        try connection.forEachRow("SELECT \(preChainColumns) FROM events ORDER BY seq") { (row) throws(StoreError) in
            let stored = read(row, chained: false)
            let topic = PreparedEvent(stored.event).topic
            try connection.run("UPDATE events SET subject = ?2, actor = ?3, at_ms = ?4 WHERE seq = ?1",
                               [stored.seq, topic.subject, topic.actor, topic.atMS])
            return true
        }
    }
}
