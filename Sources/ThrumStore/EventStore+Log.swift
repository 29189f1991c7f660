import ThrumCore

extension EventStore {
    /// Appends an event written on this daemon. In one transaction: the next sequence for
    /// `originDaemon` is computed, `make` builds (and signs) the event for it, the event is
    /// inserted and the projections are updated. When this returns, the event is on disk.
    /// An error thrown by `make` is rethrown unchanged and nothing is written.
    public func appendLocal(originDaemon: String, _ make: (Int64) throws -> Event) throws -> StoredEvent {
        // The transaction only speaks StoreError, so `make`'s own error is kept aside,
        // a placeholder rolls the transaction back, and the original is rethrown.
        var makeFailure: (any Error)?
        do {
            return try withConnection { (connection) throws(StoreError) -> StoredEvent in
                try connection.transaction { () throws(StoreError) -> StoredEvent in
                    let operation = "appending a local event"
                    let sequence = try connection.scalarInt(
                        "SELECT COALESCE(MAX(sequence), 0) FROM events WHERE origin_daemon = ?1", [originDaemon]) + 1
                    let event: Event
                    do {
                        event = try make(sequence)
                    } catch {
                        makeFailure = error
                        throw StoreError(kind: .invalidArgument, message: "building the event failed", operation: operation)
                    }
                    guard event.originDaemon == originDaemon, event.sequence == sequence else {
                        throw StoreError(kind: .invalidArgument,
                                         message: "the event was built for \(event.originDaemon) sequence \(event.sequence), "
                                            + "expected \(originDaemon) sequence \(sequence); this is a bug in thrum",
                                         operation: operation)
                    }
                    guard let seq = try EventRows.insert(event, receivedFrom: nil, receivedAt: Timestamp.now(),
                                                         in: connection) else {
                        throw StoreError(kind: .invalidArgument,
                                         message: "event \(event.eventID) is already in the log; this is a bug in thrum",
                                         operation: operation)
                    }
                    try Projector.apply(event, in: connection)
                    return StoredEvent(seq: seq, event: event, receivedFrom: nil)
                }
            }
        } catch {
            throw makeFailure ?? error
        }
    }

    /// Applies a verified batch pulled from `peer`, all in one transaction: inserts the events whose
    /// `event_id` is new (counting the known ones as skipped), updates the projections for them,
    /// records `quarantined`, and sets the peer's checkpoint to `checkpoint` with status "idle".
    /// A crash at any instant leaves the events and the checkpoint consistent with each other.
    public func applyBatch(_ events: [Event], quarantined: [QuarantinedEvent], from peer: String,
                           checkpoint: Int64) throws(StoreError) -> ApplyResult {
        let result = try withConnection { (connection) throws(StoreError) -> ApplyResult in
            try connection.transaction { () throws(StoreError) -> ApplyResult in
                let now = Timestamp.now()
                var result = ApplyResult()
                for event in events {
                    if let seq = try EventRows.insert(event, receivedFrom: peer, receivedAt: now, in: connection) {
                        try Projector.apply(event, in: connection)
                        result.applied.append(StoredEvent(seq: seq, event: event, receivedFrom: peer))
                    } else {
                        result.skipped += 1
                    }
                }
                let bound = quarantineBound
                for entry in quarantined {
                    try Quarantine.insert(entry, bound: bound, in: connection)
                }
                result.quarantined = quarantined.count
                if !quarantined.isEmpty { result.quarantineDropped = try Quarantine.trim(to: bound, in: connection) }
                try Checkpoints.set(peer: peer, lastSeq: checkpoint, status: "idle", updatedAt: now, in: connection)
                return result
            }
        }
        quarantineState.withLock { $0.dropped += result.quarantineDropped }
        return result
    }

    /// A page for `sync.pull`: events after `afterSeq` in log order, at most `limit`, stopping before
    /// the running total of (`data` bytes + 512) would exceed `maxBytes`, but always at least one.
    /// `more` is true when events remain after the last one returned.
    public func events(afterSeq: Int64, limit: Int, maxBytes: Int) throws(StoreError) -> (events: [StoredEvent], more: Bool) {
        // Fetch one row past the limit: if it exists, more remain (the limit+1 trick).
        let limit = max(1, min(limit, Int(Int32.max)))
        return try withConnection { (connection) throws(StoreError) -> (events: [StoredEvent], more: Bool) in
            var page: [StoredEvent] = []
            var bytes = 0
            var more = false
            try connection.forEachRow("SELECT \(EventRows.columns) FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                                      [afterSeq, limit + 1]) { (row) throws(StoreError) -> Bool in
                guard page.count < limit else {
                    more = true
                    return false
                }
                let stored = EventRows.read(row)
                let size = stored.event.data.utf8.count + Self.pageOverheadPerEvent
                guard page.isEmpty || bytes + size <= maxBytes else {
                    more = true
                    return false
                }
                bytes += size
                page.append(stored)
                return true
            }
            return (page, more)
        }
    }

    /// What one event costs on the wire besides its `data`: the envelope's other fields and JSON.
    static let pageOverheadPerEvent = 512

    /// The newest local `seq`, or 0 for an empty log.
    public func latestSeq() throws(StoreError) -> Int64 {
        try withConnection { (connection) throws(StoreError) -> Int64 in
            try connection.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM events")
        }
    }

    public func hasEvent(id: String) throws(StoreError) -> Bool {
        try withConnection { (connection) throws(StoreError) -> Bool in
            try connection.scalarInt("SELECT EXISTS(SELECT 1 FROM events WHERE event_id = ?1)", [id]) != 0
        }
    }

    public func eventCount() throws(StoreError) -> Int {
        try withConnection { (connection) throws(StoreError) -> Int in
            Int(try connection.scalarInt("SELECT COUNT(*) FROM events"))
        }
    }
}
