import ThrumCore

/// What this daemon advertises of its log to peers (DESIGN §6): per origin, the frontier
/// (`have`), the chain hash there (`heads`), and the proven fork points (`forks`). For a forked
/// origin `heads` holds the hash just below the fork point instead, where every branch agrees,
/// so an earlier fork still shows.
public struct LogFrontier: Sendable, Equatable {
    public var have: VersionVector
    public var heads: [String: String]
    public var forks: [String: Int64]

    public init(have: VersionVector = [:], heads: [String: String] = [:], forks: [String: Int64] = [:]) {
        self.have = have
        self.heads = heads
        self.forks = forks
    }

    /// The sequence `heads[origin]` is the hash of.
    public func headSequence(of origin: String) -> Int64? {
        if let point = forks[origin] { return point > 1 ? point - 1 : nil }
        return have[origin]
    }
}

extension EventStore {
    /// What this daemon advertises to its peers.
    public func frontier() throws(StoreError) -> LogFrontier {
        try withConnection { (connection) throws(StoreError) -> LogFrontier in
            var frontier = LogFrontier()
            try connection.forEachRow("SELECT origin_daemon, sequence FROM forks") { row in
                frontier.forks[row.string(0)] = row.int64(1)
                return true
            }
            var unknownHeads: [String] = []
            try connection.forEachRow("SELECT origin_daemon, sequence, head FROM origin_frontier") { row in
                let origin = row.string(0)
                frontier.have[origin] = row.int64(1)
                if frontier.forks[origin] == nil, let head = row.optionalString(2) {
                    frontier.heads[origin] = head
                } else {
                    unknownHeads.append(origin)
                }
                return true
            }
            // Frontiers from before schema 6, and forked origins: read from the log.
            for origin in unknownHeads {
                guard let sequence = frontier.headSequence(of: origin) else { continue }
                frontier.heads[origin] = try ChainHashes.hash(origin: origin, sequence: sequence, in: connection)
            }
            return frontier
        }
    }

    /// `origin`'s events from `first` through `last` in sequence order, cut once their
    /// `data` passes `maxBytes` (at least one): what `sync.origin_events` answers.
    public func events(origin: String, from first: Int64, through last: Int64, maxBytes: Int) throws(StoreError) -> [Event] {
        try withConnection { (connection) throws(StoreError) -> [Event] in
            var events: [Event] = []
            var bytes = 0
            try connection.forEachRow("""
                SELECT \(EventRows.columns) FROM events WHERE origin_daemon = ?1 AND sequence BETWEEN ?2 AND ?3
                ORDER BY sequence, seq
                """, [origin, first, last]) { row in
                let event = EventRows.read(row).event
                bytes += event.data.utf8.count + Self.pageOverheadPerEvent
                guard events.isEmpty || bytes <= maxBytes else { return false }
                events.append(event)
                return true
            }
            return events
        }
    }

    /// The proofs of the forks this daemon knows earlier than `known` says (or that `known`
    /// lacks): what a puller is sent with its page.
    public func forkProofs(notIn known: [String: Int64]) throws(StoreError) -> [ForkProof] {
        try forks().filter { record in known[record.origin].map { record.sequence < $0 } ?? true }.map(\.proof)
    }
}

extension LogFrontier {
    /// True when `self` (a peer's) shows something `other` (this daemon's) lacks: events past its
    /// frontier, a fork it does not know or knows later, or another head at the same sequence.
    public func hasNews(for other: LogFrontier) -> Bool {
        if have.hasNews(for: other.have) { return true }
        if forks.contains(where: { origin, point in other.forks[origin].map { point < $0 } ?? true }) { return true }
        return heads.contains { origin, head in
            guard let sequence = headSequence(of: origin), sequence == other.headSequence(of: origin),
                  let theirs = other.heads[origin] else { return false }
            return theirs != head
        }
    }
}

extension EventStore {
    /// The origins where `theirs` (a peer's frontier) names a head this log holds another event
    /// for, with the sequence of that head: each is a fork, and the peer holds the other branch.
    public func contradictedHeads(_ theirs: LogFrontier) throws(StoreError) -> [(origin: String, sequence: Int64)] {
        try withConnection { (connection) throws(StoreError) -> [(origin: String, sequence: Int64)] in
            var contradicted: [(origin: String, sequence: Int64)] = []
            for (origin, head) in theirs.heads.sorted(by: { $0.key < $1.key }) {
                guard let sequence = theirs.headSequence(of: origin) else { continue }
                let ours = try ChainHashes.events(origin: origin, from: sequence, through: sequence, in: connection)
                if !ours.isEmpty, !ours.contains(where: { $0.hash == head }) { contradicted.append((origin, sequence)) }
            }
            return contradicted
        }
    }

    /// The fork point proven for `origin`, nil when none is.
    public func forkPoint(of origin: String) throws(StoreError) -> Int64? {
        try withConnection { (connection) throws(StoreError) -> Int64? in try Forks.point(of: origin, in: connection) }
    }
}

extension EventStore {
    /// The highest sequence of `origin` the log holds, 0 for none.
    public func lastSequence(of origin: String) throws(StoreError) -> Int64 {
        try withConnection { (connection) throws(StoreError) -> Int64 in
            try connection.scalarInt("SELECT COALESCE(MAX(sequence), 0) FROM events WHERE origin_daemon = ?1", [origin])
        }
    }
}
