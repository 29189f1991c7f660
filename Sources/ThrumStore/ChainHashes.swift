import ThrumCore

/// Chain hashes (`Event.chainHash`) as the log keeps them: stored with every event inserted from
/// schema 6 on, worked out from the row for older ones.
enum ChainHashes {
    /// The events at one position of an origin's history, each with its hash.
    static func events(origin: String, from first: Int64, through last: Int64,
                       in connection: Connection) throws(StoreError) -> [(event: Event, hash: String)] {
        try connection.query("""
            SELECT \(EventRows.columns), hash FROM events
            WHERE origin_daemon = ?1 AND sequence BETWEEN ?2 AND ?3 ORDER BY sequence, seq
            """, [origin, first, last]) { row in
            let event = EventRows.read(row).event
            return (event, row.optionalString(11) ?? event.chainHash)
        }
    }

    /// The hash of the origin's event at `sequence`; the lowest when a fork put several there,
    /// nil when the log holds none.
    static func hash(origin: String, sequence: Int64, in connection: Connection) throws(StoreError) -> String? {
        try events(origin: origin, from: sequence, through: sequence, in: connection).map(\.hash).min()
    }

    /// Where this daemon's next write goes in its own chain: after the highest sequence the log
    /// holds in its name, written here or handed back by a peer (`OriginCheck`).
    static func nextLink(_ origin: String, in connection: Connection) throws(StoreError) -> ChainLink {
        let last = try connection.scalarInt("SELECT COALESCE(MAX(sequence), 0) FROM events WHERE origin_daemon = ?1", [origin])
        guard last >= 0, last < EventLimits.maxSequence else {
            throw StoreError(kind: .invalidArgument,
                             message: "this daemon's last sequence number is \(last), at or past the limit of \(EventLimits.maxSequence); "
                                + "its history cannot go on: start a new one with thrum identity rotate",
                             operation: "appending a local event")
        }
        guard last > 0 else { return ChainLink(sequence: 1, prev: EventChain.genesis) }
        guard let prev = try hash(origin: origin, sequence: last, in: connection) else {
            throw StoreError(kind: .invalidArgument, message: "the log lost this daemon's event \(last) while writing",
                             operation: "appending a local event")
        }
        return ChainLink(sequence: last + 1, prev: prev)
    }
}
