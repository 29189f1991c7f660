import ThrumCore

/// A proven fork of one origin, as `thrum status` and `health` show it.
public struct ForkRecord: Sendable, Equatable {
    public let origin: String
    /// The fork point: from this sequence on, the origin's events have no effect (docs/projections.md).
    public let sequence: Int64
    public let proof: ForkProof
    public let detectedAt: String
    /// The peer whose event or relayed proof showed it; nil when it was found in this daemon's own log.
    public let fromDaemon: String?
}

/// The fork rule (DESIGN §5). An origin that signed two events which cannot both be in its
/// history (`ForkProof`) has forked, and its events from the lowest proven fork point on count
/// nowhere: every daemon that holds the proof leaves them out of every projection, whichever
/// branch it saw first. Below that point all branches agree, so every daemon that holds the
/// same events and proofs shows the same state.
enum Forks {
    /// Proven forks (ForkProof), one per origin: the lowest fork point known and the two events
    /// that prove it. Outside the quarantine and its caps: a proof is never dropped.
    static let createTable = """
        CREATE TABLE IF NOT EXISTS forks (
            origin_daemon TEXT PRIMARY KEY,
            sequence INTEGER NOT NULL,
            proof_json TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            from_daemon TEXT             -- the peer whose event or proof showed it; NULL when found locally
        );
        """

    /// Events of a forked origin that contradict one in the log with the same origin, `event_id`
    /// and sequence, which the log's key cannot hold twice. Kept so that every later event is
    /// checked against every accepted event, in any order (`contradiction`).
    static let createAsideTable = """
        CREATE TABLE IF NOT EXISTS forked_events (
            origin_daemon TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            hash TEXT NOT NULL,
            event_json TEXT NOT NULL,
            PRIMARY KEY (origin_daemon, sequence, hash)
        );
        """

    /// The condition, on an `events` row aliased `e`, that the fork rule leaves it out.
    static let voided = "EXISTS (SELECT 1 FROM forks f WHERE f.origin_daemon = e.origin_daemon AND e.sequence >= f.sequence)"

    /// The proof that `prepared` contradicts an accepted event of its origin at its own sequence
    /// or next to it (in the log, or kept aside); nil when it contradicts none. Every accepted
    /// event is kept, so each pair is checked when the second of the two arrives, whichever it is.
    static func contradiction(_ prepared: PreparedEvent, in connection: Connection) throws(StoreError) -> ForkProof? {
        let event = prepared.event
        // Clamped: a sequence outside 1…2^53 never gets here from sync, but no stored value may trap.
        let (sequence, limit) = (event.sequence, EventLimits.maxSequence)
        let (first, last) = (max(sequence, 1) - 1, min(sequence, limit) + 1)
        var neighbours = try ChainHashes.events(origin: event.originDaemon, from: first, through: last, in: connection)
        neighbours += try connection.query("""
            SELECT event_json, hash FROM forked_events WHERE origin_daemon = ?1 AND sequence BETWEEN ?2 AND ?3
            """, [event.originDaemon, first, last]) { row in
            (PayloadJSON.decode(Event.self, from: row.string(0)), row.string(1))
        }.compactMap { event, hash in event.map { ($0, hash) } }
        var lowest: ForkProof?
        for (logged, hash) in neighbours {
            guard let proof = ForkProof.between(logged, hash: hash, event, hash: prepared.hash) else { continue }
            if lowest.map({ proof.sequence < $0.sequence }) ?? true { lowest = proof }
        }
        return lowest
    }

    /// Keeps `proof` when it is the origin's first or proves an earlier fork point than the one
    /// kept, and re-derives every row the newly voided events bore on. True when it was kept.
    /// The caller has checked the proof (`ForkProof.problem`) or built it from its own log.
    @discardableResult
    static func record(_ proof: ForkProof, from peer: String?, in connection: Connection) throws(StoreError) -> Bool {
        let known = try point(of: proof.origin, in: connection)
        if let known, known <= proof.sequence { return false }
        try connection.run("""
            INSERT INTO forks (origin_daemon, sequence, proof_json, detected_at, from_daemon) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(origin_daemon) DO UPDATE SET sequence = excluded.sequence, proof_json = excluded.proof_json,
                detected_at = excluded.detected_at, from_daemon = excluded.from_daemon
            """, [proof.origin, proof.sequence, PayloadJSON.encode(proof), Timestamp.now(), peer])
        let voided = try connection.query("""
            SELECT \(EventRows.columns) FROM events WHERE origin_daemon = ?1 AND sequence >= ?2 AND sequence < ?3
            """, [proof.origin, proof.sequence, known ?? EventLimits.maxSequence + 1]) { PreparedEvent(EventRows.read($0).event) }
        try Projector.project(voided, in: connection)
        return true
    }

    /// Keeps an event the log's key cannot hold beside the one it contradicts.
    static func keepAside(_ prepared: PreparedEvent, in connection: Connection) throws(StoreError) {
        let event = prepared.event
        try connection.run("""
            INSERT INTO forked_events (origin_daemon, sequence, hash, event_json) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT DO NOTHING
            """, [event.originDaemon, event.sequence, prepared.hash, PayloadJSON.encode(event)])
    }

    static func point(of origin: String, in connection: Connection) throws(StoreError) -> Int64? {
        try connection.queryFirst("SELECT sequence FROM forks WHERE origin_daemon = ?1", [origin]) { $0.int64(0) }
    }

    static func all(in connection: Connection) throws(StoreError) -> [ForkRecord] {
        try connection.query("""
            SELECT origin_daemon, sequence, proof_json, detected_at, from_daemon FROM forks ORDER BY origin_daemon
            """) { row -> ForkRecord? in
            guard let proof = PayloadJSON.decode(ForkProof.self, from: row.string(2)) else { return nil }
            return ForkRecord(origin: row.string(0), sequence: row.int64(1), proof: proof, detectedAt: row.string(3),
                              fromDaemon: row.optionalString(4))
        }.compactMap { $0 }
    }
}

extension EventStore {
    /// Every proven fork, by origin.
    public func forks() throws(StoreError) -> [ForkRecord] {
        try withConnection { (connection) throws(StoreError) -> [ForkRecord] in try Forks.all(in: connection) }
    }

    /// Keeps a proof a peer relayed, once it checked out (`ForkProof.problem` is nil); true
    /// when it was new here or moved the origin's fork point earlier.
    public func recordFork(_ proof: ForkProof, from peer: String) throws(StoreError) -> Bool {
        try withConnection { (connection) throws(StoreError) -> Bool in
            defer { noteCommit(in: connection) }
            return try connection.transaction { () throws(StoreError) -> Bool in
                try Forks.record(proof, from: peer, in: connection)
            }
        }
    }
}
