import ThrumCore

extension EventStore {
    public func checkpoint(peer: String) throws(StoreError) -> Checkpoint? {
        try withConnection { (connection) throws(StoreError) -> Checkpoint? in
            try connection.queryFirst("SELECT \(Checkpoints.columns) FROM sync_checkpoints WHERE peer_daemon_id = ?1",
                                      [peer], Checkpoints.read)
        }
    }
}
