import ThrumCore

extension EventStore {
    public func checkpoint(peer: String) throws(StoreError) -> Checkpoint? {
        try withConnection { (connection) throws(StoreError) -> Checkpoint? in
            try connection.queryFirst("SELECT \(Checkpoints.columns) FROM sync_checkpoints WHERE peer_daemon_id = ?1",
                                      [peer], Checkpoints.read)
        }
    }

    /// Sets `peer`'s checkpoint back to 0, so the next pull reads its whole log (what this
    /// log holds is left out of the pages, so only what it lacks comes over).
    public func resetCheckpoint(peer: String) throws(StoreError) {
        try withConnection { (connection) throws(StoreError) in
            try Checkpoints.set(peer: peer, lastSeq: 0, status: "idle", updatedAt: Timestamp.now(), in: connection)
        }
    }
}
