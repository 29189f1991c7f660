import ThrumCore

extension EventStore {
    public func checkpoint(peer: String) throws(StoreError) -> Checkpoint? {
        try withConnection { (connection) throws(StoreError) -> Checkpoint? in
            try connection.queryFirst("SELECT \(Checkpoints.columns) FROM sync_checkpoints WHERE peer_daemon_id = ?1",
                                      [peer], Checkpoints.read)
        }
    }

    /// Every peer's checkpoint, ordered by peer ID.
    public func checkpoints() throws(StoreError) -> [Checkpoint] {
        try withConnection { (connection) throws(StoreError) -> [Checkpoint] in
            try connection.query("SELECT \(Checkpoints.columns) FROM sync_checkpoints ORDER BY peer_daemon_id",
                                 [], Checkpoints.read)
        }
    }

    /// Records a peer's sync status ("syncing", "error: …") without moving its position;
    /// a peer never pulled before gets a checkpoint at 0.
    public func setCheckpointStatus(peer: String, status: String) throws(StoreError) {
        try withConnection { (connection) throws(StoreError) in
            try connection.run("""
                INSERT INTO sync_checkpoints (peer_daemon_id, last_seq, updated_at, status) VALUES (?1, 0, ?2, ?3)
                ON CONFLICT(peer_daemon_id) DO UPDATE SET updated_at = excluded.updated_at, status = excluded.status
                """, [peer, Timestamp.now(), status])
        }
    }
}
