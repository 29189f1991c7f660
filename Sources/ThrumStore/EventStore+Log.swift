import ThrumCore

extension EventStore {
    /// Appends an event written on this daemon. In one transaction: the next link of
    /// `originDaemon`'s chain is worked out, `make` builds (and signs) the event for it, the event is
    /// inserted and the projections are updated. When this returns, the event is on disk.
    /// An error thrown by `make` is rethrown unchanged and nothing is written.
    public func appendLocal(originDaemon: String, _ make: @Sendable (ChainLink) throws -> Event) throws -> StoredEvent {
        try withoutActuallyEscaping(make) { make in
            try appendLocal([LocalWrite(originDaemon: originDaemon, make: make)])[0].get()
        }
    }

    /// Appends several local writes in one transaction, so one fsync covers them all (group
    /// commit). A write that fails fails alone: the others are written. When this returns,
    /// every success is on disk.
    ///
    /// The batch is first written as one piece: no savepoint per write, and the log index and
    /// projections brought up to date once for all of it. A write rarely fails there (its
    /// checks ran before the batch); when one does, that transaction is rolled back and the
    /// batch written again with a savepoint per write, so only the failing one is undone.
    public func appendLocal(_ writes: [LocalWrite]) throws -> [Result<StoredEvent, any Error>] {
        try withConnection { (connection) throws(StoreError) -> [Result<StoredEvent, any Error>] in
            defer { noteCommit(in: connection) }
            var failedWrite: (any Error)?
            do throws(StoreError) {
                let stored = try connection.transaction { () throws(StoreError) -> [StoredEvent] in
                    do {
                        return try Self.appendTogether(writes, in: connection)
                    } catch {
                        // Thrown only to roll the transaction back; the write's own error is kept.
                        failedWrite = error
                        throw StoreError(kind: .invalidArgument, message: "\(error)", operation: "appending local events")
                    }
                }
                return stored.map { .success($0) }
            } catch {
                // BEGIN or COMMIT failed: no write of the batch is on disk.
                guard let failedWrite else { throw error }
                if writes.count == 1 { return [.failure(failedWrite)] }
            }
            return try Self.appendEachAlone(writes, in: connection)
        }
    }

    /// The batch as one piece; throws at the first write that fails.
    private static func appendTogether(_ writes: [LocalWrite], in connection: Connection) throws -> [StoredEvent] {
        var nextLink: [String: ChainLink] = [:]
        var prepared: [PreparedEvent] = []
        var stored: [StoredEvent] = []
        for write in writes {
            let link = try nextLink[write.originDaemon] ?? firstLink(write.originDaemon, in: connection)
            let (event, seq) = try insert(write, link: link, in: connection)
            nextLink[write.originDaemon] = ChainLink(sequence: link.sequence + 1, prev: event.hash)
            prepared.append(event)
            stored.append(StoredEvent(seq: seq, event: event.event, receivedFrom: nil))
        }
        try LogIndex.advance(origins: Set(nextLink.keys), inserted: stored.count, in: connection)
        try Projector.project(prepared, in: connection)
        return stored
    }

    /// The batch with a savepoint per write: one that fails is rolled back alone and gets its error.
    private static func appendEachAlone(_ writes: [LocalWrite],
                                        in connection: Connection) throws(StoreError) -> [Result<StoredEvent, any Error>] {
        try connection.transaction { () throws(StoreError) -> [Result<StoredEvent, any Error>] in
            var results: [Result<StoredEvent, any Error>] = []
            for write in writes {
                try connection.run("SAVEPOINT local_write")
                do {
                    let (event, seq) = try insert(write, link: try firstLink(write.originDaemon, in: connection),
                                                  in: connection)
                    try LogIndex.advance(origins: [write.originDaemon], inserted: 1, in: connection)
                    try Projector.project([event], in: connection)
                    results.append(.success(StoredEvent(seq: seq, event: event.event, receivedFrom: nil)))
                    try connection.run("RELEASE local_write")
                } catch {
                    try connection.run("ROLLBACK TO local_write")
                    try connection.run("RELEASE local_write")
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// Builds (and signs) `write`'s event for `link` and inserts it; returns it with its `seq`.
    private static func insert(_ write: LocalWrite, link: ChainLink, in connection: Connection) throws -> (PreparedEvent, Int64) {
        let operation = "appending a local event"
        guard link.sequence <= EventLimits.maxSequence else {
            throw StoreError(kind: .invalidArgument,
                             message: "this daemon's next sequence number, \(link.sequence), is past the limit of \(EventLimits.maxSequence); "
                                + "its history cannot go on: start a new one with thrum identity rotate",
                             operation: operation)
        }
        let event = try write.make(link)
        guard event.originDaemon == write.originDaemon, event.sequence == link.sequence, event.prev == link.prev else {
            throw StoreError(kind: .invalidArgument,
                             message: "the event was built for \(event.originDaemon) sequence \(event.sequence), "
                                + "expected \(write.originDaemon) sequence \(link.sequence) after \(link.prev); this is a bug in thrum",
                             operation: operation)
        }
        let prepared = write.payload().map { PreparedEvent(event, payload: $0) } ?? PreparedEvent(event)
        guard let seq = try EventRows.insert(prepared, receivedFrom: nil, receivedAt: Timestamp.now(), in: connection) else {
            throw StoreError(kind: .invalidArgument,
                             message: "event \(event.eventID) is already in the log; this is a bug in thrum",
                             operation: operation)
        }
        return (prepared, seq)
    }

    /// The link of a batch's first write in `originDaemon`'s chain. A daemon whose own history is
    /// proven forked writes nothing more: its events from the fork point on count nowhere.
    private static func firstLink(_ originDaemon: String, in connection: Connection) throws(StoreError) -> ChainLink {
        if let point = try Forks.point(of: originDaemon, in: connection) {
            throw StoreError(kind: .forked,
                             message: "this daemon's history is forked: its key signed two different events at sequence \(point) "
                                + "(another machine uses the same identity.key, or the log was restored and written to before it "
                                + "caught up), so its events from there on count nowhere; stop it and start a new history "
                                + "with thrum identity rotate",
                             operation: "appending a local event")
        }
        return try ChainHashes.nextLink(originDaemon, in: connection)
    }

    /// Applies a verified batch pulled from `peer`, all in one transaction: inserts the events whose
    /// (origin, `event_id`, sequence) is new (counting the known ones as skipped), re-derives the projections they bear
    /// on, records `quarantined` and the events the log itself refuses (see `OriginCheck`), and sets
    /// the peer's checkpoint to `checkpoint` with status "idle". A crash at any instant leaves the
    /// events and the checkpoint consistent with each other.
    public func applyBatch(_ events: [Event], quarantined: [QuarantinedEvent], from peer: String,
                           checkpoint: Int64, localDaemon: String) throws(StoreError) -> BatchApplied {
        try applyBatch(prepared: events.map(PreparedEvent.init), quarantined: quarantined, from: peer,
                       checkpoint: checkpoint, localDaemon: localDaemon)
    }

    /// `applyBatch` for events whose topics were worked out beforehand, off the store's
    /// thread (sync does it on every core while it verifies signatures).
    public func applyBatch(prepared events: [PreparedEvent], quarantined: [QuarantinedEvent], from peer: String,
                           checkpoint: Int64, localDaemon: String) throws(StoreError) -> BatchApplied {
        let result = try withConnection { (connection) throws(StoreError) -> BatchApplied in
            defer { noteCommit(in: connection) }
            return try connection.transaction { () throws(StoreError) -> BatchApplied in
                let now = Timestamp.now()
                var result = BatchApplied()
                var refused = quarantined
                var inserted: [PreparedEvent] = []
                let cutoff = retentionCutoffMS()
                for prepared in events {
                    let event = prepared.event
                    if Retention.isExpired(type: event.knownType, atMS: prepared.topic.atMS, cutoffMS: cutoff) {
                        result.expired += 1
                        continue
                    }
                    switch try OriginCheck.check(prepared, localDaemon: localDaemon, in: connection) {
                    case .known:
                        result.skipped += 1
                        continue
                    case let .refuse(reason, stage):
                        refused.append(QuarantinedEvent(eventID: event.eventID, receivedAt: now, fromDaemon: peer,
                                                        reason: reason, stage: stage.rawValue,
                                                        eventJSON: PayloadJSON.encode(event)))
                        continue
                    case .new:
                        break
                    }
                    // A contradicting event is logged like any other (the fork rule keeps it from
                    // counting); one the log's key cannot hold beside its twin is kept aside.
                    let proof = try Forks.contradiction(prepared, in: connection)
                    if let proof, try Forks.record(proof, from: peer, in: connection) { result.forks.append(proof) }
                    if let seq = try EventRows.insert(prepared, receivedFrom: peer, receivedAt: now, in: connection) {
                        inserted.append(prepared)
                        result.applied.append(StoredEvent(seq: seq, event: event, receivedFrom: peer))
                    } else {
                        if proof != nil { try Forks.keepAside(prepared, in: connection) }
                        result.skipped += 1
                    }
                }
                try LogIndex.advance(origins: Set(inserted.map(\.event.originDaemon)), inserted: inserted.count,
                                     in: connection)
                try Projector.project(inserted, in: connection)
                let bound = quarantineBound
                for entry in refused {
                    try Quarantine.insert(entry, bound: bound, in: connection)
                }
                result.quarantined = refused
                if !refused.isEmpty { result.quarantineDropped = try Quarantine.trim(to: bound, in: connection) }
                try Checkpoints.set(peer: peer, lastSeq: checkpoint, status: "idle", updatedAt: now, in: connection)
                return result
            }
        }
        quarantineState.withLock { $0.dropped += result.quarantineDropped }
        return result
    }

    /// A page for `sync.pull`: events after `afterSeq` in log order, at most `limit`, stopping before
    /// the running total of (`data` bytes + 512) would exceed `maxBytes`, but always at least one.
    /// Events `skipping` covers (the puller holds them) are passed over, not sent; at most
    /// `scanLimit` rows are read. `more` is true when rows remain after `lastSeq`, the last row
    /// read (where the next page starts).
    public func events(afterSeq: Int64, limit: Int, maxBytes: Int, skipping: VersionVector = [:],
                       scanLimit: Int = 20_000) throws(StoreError) -> EventPage {
        // Fetch one row past the scan limit: if it exists, more remain (the limit+1 trick).
        let limit = max(1, min(limit, Int(Int32.max)))
        let scanLimit = max(limit, min(scanLimit, Int(Int32.max) - 1))
        return try withConnection { (connection) throws(StoreError) -> EventPage in
            var page: [StoredEvent] = []
            var bytes = 0
            var more = false
            var scanned = 0
            var lastSeq = afterSeq
            // Expired events (THRUM_RETENTION) are never served, even before a pass removes them.
            try connection.forEachRow("""
                SELECT \(EventRows.columns) FROM events e
                WHERE seq > ?1 AND NOT \(Retention.expiredCondition(cutoffParameter: 3)) ORDER BY seq LIMIT ?2
                """, [afterSeq, scanLimit + 1, retentionCutoffMS()]) { (row) throws(StoreError) -> Bool in
                guard page.count < limit, scanned < scanLimit else {
                    more = true
                    return false
                }
                let stored = EventRows.read(row)
                if skipping.covers(origin: stored.event.originDaemon, sequence: stored.event.sequence) {
                    scanned += 1
                    lastSeq = stored.seq
                    return true
                }
                let size = stored.event.data.utf8.count + Self.pageOverheadPerEvent
                guard page.isEmpty || bytes + size <= maxBytes else {
                    more = true
                    return false
                }
                bytes += size
                scanned += 1
                lastSeq = stored.seq
                page.append(stored)
                return true
            }
            return EventPage(events: page, lastSeq: lastSeq, more: more)
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

    /// How many events the log holds, from a counter kept with every insert (no scan).
    public func eventCount() throws(StoreError) -> Int {
        try withConnection { (connection) throws(StoreError) -> Int in
            Int(try connection.scalarInt("SELECT value FROM log_counters WHERE name = 'events'"))
        }
    }
}
