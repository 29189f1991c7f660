extension EventStore {
    /// The caps the quarantine is kept within from now on (the next batch trims it).
    public var quarantineBound: QuarantineBound {
        get { quarantineState.withLock { $0.bound } }
        set { quarantineState.withLock { $0.bound = newValue } }
    }

    /// Quarantine entries dropped by the caps since the store was opened.
    public var quarantineDropped: Int { quarantineState.withLock { $0.dropped } }

    /// Quarantined events in the order they were recorded, from one peer or (nil) from all.
    /// The quarantined events (only `peer`'s when given), oldest first; with a `limit`, the newest that many.
    public func quarantined(peer: String?, limit: Int? = nil) throws(StoreError) -> [QuarantinedEvent] {
        try withConnection { (connection) throws(StoreError) -> [QuarantinedEvent] in
            let filter = peer == nil ? "" : "WHERE from_daemon = ?1"
            let newestFirst = try connection.query(
                "SELECT \(Quarantine.columns) FROM quarantined_events \(filter) ORDER BY id DESC LIMIT ?2",
                [peer, limit.map { max(0, $0) } ?? -1], Quarantine.read)
            return newestFirst.reversed()
        }
    }

    /// How many events from `peer` were quarantined at or after `since` (an RFC 3339 timestamp).
    public func quarantinedCount(peer: String, since: String) throws(StoreError) -> Int {
        try withConnection { (connection) throws(StoreError) -> Int in
            Int(try connection.scalarInt(
                "SELECT COUNT(*) FROM quarantined_events WHERE from_daemon = ?1 AND received_at >= ?2", [peer, since]))
        }
    }
}
