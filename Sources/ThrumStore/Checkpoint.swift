/// How far this daemon has pulled a peer's log.
public struct Checkpoint: Sendable, Equatable, Codable {
    public let peerDaemonID: String
    /// The last of the peer's `seq` applied here; the next pull asks for events after it.
    public let lastSeq: Int64
    public let updatedAt: String
    public let status: String

    public init(peerDaemonID: String, lastSeq: Int64, updatedAt: String, status: String) {
        self.peerDaemonID = peerDaemonID
        self.lastSeq = lastSeq
        self.updatedAt = updatedAt
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case peerDaemonID = "peer_daemon_id", lastSeq = "last_seq", updatedAt = "updated_at", status
    }
}

/// The `sync_checkpoints` table.
enum Checkpoints {
    static func set(peer: String, lastSeq: Int64, status: String, updatedAt: String,
                    in connection: Connection) throws(StoreError) {
        try connection.run("""
            INSERT INTO sync_checkpoints (peer_daemon_id, last_seq, updated_at, status) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(peer_daemon_id) DO UPDATE SET
                last_seq = excluded.last_seq, updated_at = excluded.updated_at, status = excluded.status
            """, [peer, lastSeq, updatedAt, status])
    }

    static let columns = "peer_daemon_id, last_seq, updated_at, status"

    static func read(_ row: Row) -> Checkpoint {
        Checkpoint(peerDaemonID: row.string(0), lastSeq: row.int64(1), updatedAt: row.string(2), status: row.string(3))
    }
}
