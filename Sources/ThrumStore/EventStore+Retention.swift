import ThrumCore
#if canImport(Glibc)
import Glibc
#endif

extension EventStore {
    /// Removes up to `limit` expired events (timestamp before `cutoffMS`, of a type that
    /// expires), oldest first, in one transaction with the re-derivation of every projection
    /// row they bore on, so what remains is exactly what a daemon that never held them shows.
    /// Returns how many it removed: fewer than `limit` means none are left before `cutoffMS`.
    /// One call holds the store for one bounded batch; writers wait at most that long.
    public func removeExpired(before cutoffMS: Int64, limit: Int) throws(StoreError) -> Int {
        try withConnection { (connection) throws(StoreError) -> Int in
            defer { noteCommit(in: connection) }
            return try connection.transaction { () throws(StoreError) -> Int in
                var seqs: [Int64] = []
                var keys = Set<ProjectionKey>()
                try connection.forEachRow("""
                    SELECT e.seq, e.type, e.subject, e.actor FROM events e
                    WHERE \(Retention.expiredCondition(cutoffParameter: 1)) ORDER BY e.at_ms LIMIT ?2
                    """, [cutoffMS, max(1, limit)]) { row in
                    seqs.append(row.int64(0))
                    if let type = EventType(rawValue: row.string(1)), let subject = row.optionalString(2),
                       let actor = row.optionalString(3) {
                        keys.formUnion(ProjectionKey.keys(type: type, subject: subject, actor: actor))
                    }
                    return true
                }
                guard !seqs.isEmpty else { return 0 }
                for seq in seqs {
                    // A receipt bears on the messages it names, which its items list (`Delivery`).
                    try connection.forEachRow("""
                        SELECT i.message_id FROM receipt_items i JOIN events e
                          ON e.origin_daemon = i.origin_daemon AND e.event_id = i.event_id AND e.sequence = i.sequence
                        WHERE e.seq = ?1
                        """, [seq]) { row in
                        keys.insert(.message(row.string(0)))
                        return true
                    }
                    try connection.run("DELETE FROM events WHERE seq = ?1", [seq])
                }
                try connection.run("UPDATE log_counters SET value = value - ?1 WHERE name = 'events'", [seqs.count])
                for key in keys {
                    try Projector.rederive(key, in: connection)
                    if case let .message(id) = key {
                        // Read marks are local state, kept with their message and gone with it.
                        try connection.run("""
                            DELETE FROM message_reads WHERE message_id = ?1
                              AND NOT EXISTS(SELECT 1 FROM messages WHERE message_id = ?1)
                            """, [id])
                    }
                }
                return seqs.count
            }
        }
    }

    /// The log's size on disk (database and write-ahead log files, in bytes) and the
    /// timestamp of its oldest event (nil when empty).
    public func footprint() throws(StoreError) -> LogFootprint {
        try withConnection { (connection) throws(StoreError) -> LogFootprint in
            let pages = try connection.scalarInt("PRAGMA page_count")
            let pageSize = try connection.scalarInt("PRAGMA page_size")
            let oldest = try connection.queryFirst("SELECT timestamp FROM events ORDER BY at_ms LIMIT 1") { $0.string(0) }
            return LogFootprint(bytesOnDisk: pages * pageSize + Self.fileSize(path + "-wal"), oldestEvent: oldest)
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }
}

/// How much room the log takes and how far back it reaches (`thrum status`).
public struct LogFootprint: Sendable, Equatable {
    public var bytesOnDisk: Int64
    public var oldestEvent: String?
}
