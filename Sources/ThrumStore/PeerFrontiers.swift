import ThrumCore

/// What peers hold (DESIGN §6): the version vector each peer last advertised (in a notify or a
/// pull's answer), and when this daemon saw it. Local observations, not events: "delivered" and
/// a peer's lag read them, and show them as this daemon's, with their time.
///
/// When a peer's advertised frontier for an origin moves past a message whose recipients include
/// an agent of that peer, the message is marked delivered to that peer at that moment
/// (`deliveries_seen`), so its delivery time is when this daemon first saw it held there.
enum PeerFrontiers {
    static let createTables = """
        CREATE TABLE peer_frontiers (
            peer_daemon_id TEXT NOT NULL,
            origin_daemon TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            observed_at TEXT NOT NULL,
            PRIMARY KEY (peer_daemon_id, origin_daemon)
        );
        CREATE TABLE deliveries_seen (
            message_id TEXT NOT NULL,
            peer_daemon_id TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            PRIMARY KEY (message_id, peer_daemon_id)
        );
        """

    /// Notes `have`, as `peer` advertised it at `now`; marks the messages it newly covers that are
    /// addressed to an agent of `peer`. Returns the IDs of the messages newly seen delivered.
    static func note(_ have: VersionVector, of peer: String, at now: String, in connection: Connection) throws(StoreError) -> [String] {
        var delivered: [String] = []
        for (origin, sequence) in have.sorted(by: { $0.key < $1.key }) {
            let known = try connection.queryFirst("""
                SELECT sequence FROM peer_frontiers WHERE peer_daemon_id = ?1 AND origin_daemon = ?2
                """, [peer, origin]) { $0.int64(0) } ?? 0
            guard sequence > known else { continue }
            try connection.run("""
                INSERT INTO peer_frontiers (peer_daemon_id, origin_daemon, sequence, observed_at) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT(peer_daemon_id, origin_daemon) DO UPDATE SET sequence = excluded.sequence, observed_at = excluded.observed_at
                """, [peer, origin, sequence, now])
            // The messages of `origin` between the two frontiers that went to an agent of `peer`.
            let suffix = "@" + peer
            try connection.forEachRow("""
                SELECT m.message_id, m.recipient_agent, m.recipients FROM events e
                JOIN messages m ON m.event_id = e.event_id AND m.origin_daemon = e.origin_daemon
                WHERE e.origin_daemon = ?1 AND e.sequence > ?2 AND e.sequence <= ?3
                  AND e.type IN ('\\(EventType.messageCreate.rawValue)', '\\(EventType.threadReply.rawValue)')
                """, [origin, known, sequence]) { (row) throws(StoreError) -> Bool in
                let listed = row.optionalString(2).flatMap { PayloadJSON.decode([String].self, from: $0) } ?? []
                let recipients = listed + (row.optionalString(1).map { [$0] } ?? [])
                guard recipients.contains(where: { $0.hasSuffix(suffix) }) else { return true }
                let id = row.string(0)
                if try connection.run("""
                    INSERT INTO deliveries_seen (message_id, peer_daemon_id, observed_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING
                    """, [id, peer, now]) == 1 {
                    delivered.append(id)
                }
                return true
            }
        }
        return delivered
    }
}

extension EventStore {
    /// Notes a peer's advertised version vector (see `PeerFrontiers`); returns the IDs of the
    /// messages this shows delivered to an agent of that peer for the first time.
    public func notePeerFrontier(_ have: VersionVector, of peer: String) throws(StoreError) -> [String] {
        try withConnection { (connection) throws(StoreError) -> [String] in
            try connection.transaction { () throws(StoreError) -> [String] in
                try PeerFrontiers.note(have, of: peer, at: Timestamp.now(), in: connection)
            }
        }
    }

    /// How far each peer's last advertised frontier goes for `origin`, by peer daemon ID.
    public func peerFrontiers(of origin: String) throws(StoreError) -> [String: Int64] {
        try withConnection { (connection) throws(StoreError) -> [String: Int64] in
            var held: [String: Int64] = [:]
            try connection.forEachRow("SELECT peer_daemon_id, sequence FROM peer_frontiers WHERE origin_daemon = ?1", [origin]) { row in
                held[row.string(0)] = row.int64(1)
                return true
            }
            return held
        }
    }

    /// When this daemon saw message `id` held by each daemon, by daemon ID: here (`localDaemon`),
    /// from when it entered the log; at a peer, from when the peer's advertised frontier first
    /// covered it with the message already here (`deliveries_seen`), else as of the peer's
    /// frontier seen last, when that covers it. Empty when the message is not in the log.
    public func deliveryObservations(of id: String, localDaemon: String) throws(StoreError) -> [String: String] {
        try withConnection { (connection) throws(StoreError) -> [String: String] in
            guard let created = try connection.queryFirst("""
                SELECT e.origin_daemon, e.sequence, e.received_at FROM messages m
                JOIN events e ON e.event_id = m.event_id AND e.origin_daemon = m.origin_daemon WHERE m.message_id = ?1
                ORDER BY e.sequence LIMIT 1
                """, [id], { (origin: $0.string(0), sequence: $0.int64(1), receivedAt: $0.string(2)) }) else { return [:] }
            var seen = [localDaemon: created.receivedAt]
            try connection.forEachRow("""
                SELECT peer_daemon_id, observed_at FROM peer_frontiers WHERE origin_daemon = ?1 AND sequence >= ?2
                """, [created.origin, created.sequence]) { row in
                seen[row.string(0)] = row.string(1)
                return true
            }
            try connection.forEachRow("SELECT peer_daemon_id, observed_at FROM deliveries_seen WHERE message_id = ?1", [id]) { row in
                seen[row.string(0)] = row.string(1)
                return true
            }
            return seen
        }
    }
}
