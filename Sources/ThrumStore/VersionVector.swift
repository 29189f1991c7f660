/// Per origin daemon, the highest `sequence` up to which this daemon holds every event of
/// that origin, 1 through it with no gap (DESIGN §6, fan-out). A notify carries the
/// sender's, so a receiver pulls only when the sender has something it lacks, and a pull
/// carries the puller's, so the server leaves out what the puller holds already.
public typealias VersionVector = [String: Int64]

extension VersionVector {
    /// True when this vector holds something `other` lacks.
    public func hasNews(for other: VersionVector) -> Bool {
        contains { origin, sequence in sequence > (other[origin] ?? 0) }
    }

    /// True when the event is covered: its origin's events up to its sequence are all held.
    public func covers(origin: String, sequence: Int64) -> Bool {
        sequence <= (self[origin] ?? 0)
    }
}

/// The `origin_frontier` table, which keeps the store's version vector, and the
/// `log_counters` table, which keeps the event count (no per-request `COUNT(*)`).
enum LogIndex {
    /// Moves each origin's frontier over the sequences now present past it; counts `inserted`.
    static func advance(origins: Set<String>, inserted: Int, in connection: Connection) throws(StoreError) {
        if inserted > 0 {
            try connection.run("UPDATE log_counters SET value = value + ?1 WHERE name = 'events'", [inserted])
        }
        for origin in origins {
            var frontier = try connection.scalarInt(
                "SELECT sequence FROM origin_frontier WHERE origin_daemon = ?1", [origin])
            let start = frontier
            // One walk up the (origin, sequence) index from the frontier, stopping at the first gap.
            try connection.forEachRow("""
                SELECT DISTINCT sequence FROM events WHERE origin_daemon = ?1 AND sequence > ?2 ORDER BY sequence
                """, [origin, frontier]) { row in
                guard row.int64(0) == frontier + 1 else { return false }
                frontier += 1
                return true
            }
            guard frontier != start else { continue }
            try connection.run("""
                INSERT INTO origin_frontier (origin_daemon, sequence, head) VALUES (?1, ?2, ?3)
                ON CONFLICT(origin_daemon) DO UPDATE SET sequence = excluded.sequence, head = excluded.head
                """, [origin, frontier, try ChainHashes.hash(origin: origin, sequence: frontier, in: connection)])
        }
    }

    /// Fills both tables from the log (the upgrade to schema 2): an origin's frontier is the
    /// last of its distinct sequences that still equals its rank, 1, 2, 3… with no gap.
    static func fill(in connection: Connection) throws(StoreError) {
        try connection.execute("""
            INSERT INTO log_counters (name, value) SELECT 'events', COUNT(*) FROM events;
            INSERT INTO origin_frontier (origin_daemon, sequence)
            SELECT origin_daemon, MAX(sequence) FROM (
                SELECT origin_daemon, sequence, ROW_NUMBER() OVER (PARTITION BY origin_daemon ORDER BY sequence) AS rank
                FROM (SELECT DISTINCT origin_daemon, sequence FROM events WHERE sequence >= 1)
            ) WHERE sequence = rank GROUP BY origin_daemon;
            """)
    }
}

extension EventStore {
    /// This daemon's version vector.
    public func versionVector() throws(StoreError) -> VersionVector {
        try withConnection { (connection) throws(StoreError) -> VersionVector in
            var vector: VersionVector = [:]
            try connection.forEachRow("SELECT origin_daemon, sequence FROM origin_frontier") { row in
                vector[row.string(0)] = row.int64(1)
                return true
            }
            return vector
        }
    }
}
