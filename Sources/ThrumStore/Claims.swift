import ThrumCore

/// Claims (DESIGN §5, docs/projections.md "Claims"): rows derived from each claim's own events,
/// plus the one relation between claims that the events alone decide: which claims were written
/// after their daemon had seen a conflicting active claim (`claim_overruled`). Such a claim has
/// no effect. Whether a claim is held or contested, released or expired, is read at query time
/// from these rows and the clock (`ClaimStates`).
///
/// A claim `x` *saw* a claim `y` when `x.seen` covers `y`'s create and not its release, and
/// `x`'s timestamp is before `y`'s expiry as `x`'s daemon could know it (from `y`'s renewals up to
/// what `x.seen` covers). Two claims *conflict* when they are in one project, by two agents,
/// not both shared, and some pattern of one overlaps some pattern of the other. `x` is overruled
/// when it saw some `y` it conflicts with. Both halves are functions of the two claims' events,
/// re-derived when either claim's events arrive, so every arrival order gives the same rows.
enum Claims {
    static let createTables = """
        CREATE TABLE claims (
            claim_id TEXT PRIMARY KEY,
            origin_daemon TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            agent TEXT NOT NULL,
            project TEXT NOT NULL,
            patterns TEXT NOT NULL,
            shared INTEGER NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            ttl INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            renewed_at TEXT,
            released_at TEXT,
            released_seq INTEGER
        );
        CREATE INDEX claims_by_project ON claims(project, expires_ms);
        CREATE INDEX claims_by_agent ON claims(agent);
        -- A claim's seen vector (from its create alone), indexed to find the claims that saw an origin's events.
        CREATE TABLE claim_seen (
            claim_id TEXT NOT NULL,
            origin_daemon TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            PRIMARY KEY (claim_id, origin_daemon)
        );
        CREATE INDEX claim_seen_by_origin ON claim_seen(origin_daemon, sequence);
        -- The holder's renewals after the create, by its sequence.
        CREATE TABLE claim_renewals (
            claim_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            at_ms INTEGER NOT NULL,
            ttl INTEGER NOT NULL,
            PRIMARY KEY (claim_id, sequence)
        );
        -- claim_id saw by_claim active and conflicting when it was written: claim_id has no effect.
        CREATE TABLE claim_overruled (
            claim_id TEXT NOT NULL,
            by_claim TEXT NOT NULL,
            PRIMARY KEY (claim_id, by_claim)
        );
        CREATE INDEX claim_overruled_by ON claim_overruled(by_claim);
        """

    static let types: [EventType] = [.claimCreate, .claimRenew, .claimRelease]

    /// Re-derives claim `id` from its events, then every overruled pair it is in.
    static func derive(_ id: String, known: KnownPayloads, in connection: Connection) throws(StoreError) {
        let events = try TopicEvents.load(subject: id, types: types, known: known, in: connection)
        guard let create = events.first(where: { $0.type == .claimCreate }), let made = create.payload(ClaimMade.self),
              let patterns = made.patterns.map({ try? ClaimPattern(parsing: $0) }) as? [ClaimPattern] else {
            try forget(id, in: connection)
            return
        }
        // The holder's later events only: another agent of the same daemon cannot touch it.
        let own = events.filter { $0.actor == create.actor && $0.sequence > create.sequence }
        let renewals = own.compactMap { event -> ClaimRenewal? in
            guard event.type == .claimRenew, let renewal = event.payload(ClaimRenewed.self) else { return nil }
            return ClaimRenewal(sequence: event.sequence, atMS: event.atMS, ttl: renewal.ttl)
        }
        let release = own.first { $0.type == .claimRelease }
        let expiry = ClaimRenewal.expiry(createdMS: create.atMS, ttl: made.ttl, renewals: renewals)
        let renewedAt = own.last { $0.type == .claimRenew && $0.atMS < expiry }?.timestamp
        try connection.run("""
            INSERT INTO claims (claim_id, origin_daemon, sequence, agent, project, patterns, shared, note, created_at,
                                created_ms, ttl, expires_ms, renewed_at, released_at, released_seq)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            ON CONFLICT(claim_id) DO UPDATE SET origin_daemon = excluded.origin_daemon, sequence = excluded.sequence,
                agent = excluded.agent, project = excluded.project, patterns = excluded.patterns, shared = excluded.shared,
                note = excluded.note, created_at = excluded.created_at, created_ms = excluded.created_ms, ttl = excluded.ttl,
                expires_ms = excluded.expires_ms, renewed_at = excluded.renewed_at, released_at = excluded.released_at,
                released_seq = excluded.released_seq
            """, [id, create.originDaemon, create.sequence, create.actor, made.project,
                  PayloadJSON.encode(patterns.map(\.text)), made.isShared, made.note, create.timestamp, create.atMS,
                  made.ttl, expiry, renewedAt, release?.timestamp, release?.sequence])
        try connection.run("DELETE FROM claim_seen WHERE claim_id = ?1", [id])
        for (origin, sequence) in made.seen.sorted(by: { $0.key < $1.key }) {
            try connection.run("INSERT INTO claim_seen (claim_id, origin_daemon, sequence) VALUES (?1, ?2, ?3)",
                               [id, origin, sequence])
        }
        try connection.run("DELETE FROM claim_renewals WHERE claim_id = ?1", [id])
        for renewal in renewals {
            try connection.run("INSERT INTO claim_renewals (claim_id, sequence, at_ms, ttl) VALUES (?1, ?2, ?3, ?4)",
                               [id, renewal.sequence, renewal.atMS, renewal.ttl])
        }
        try overrule(id, in: connection)
    }

    /// A claim whose create is not (or no longer) in the log: no row, and in no pair.
    private static func forget(_ id: String, in connection: Connection) throws(StoreError) {
        for table in ["claims", "claim_seen", "claim_renewals"] {
            try connection.run("DELETE FROM \(table) WHERE claim_id = ?1", [id])
        }
        try connection.run("DELETE FROM claim_overruled WHERE claim_id = ?1 OR by_claim = ?1", [id])
    }

    /// Re-derives the pairs `id` is in: as the later claim (which claims it saw) and as the
    /// earlier one (which claims saw it; its renewals and release change what they saw).
    private static func overrule(_ id: String, in connection: Connection) throws(StoreError) {
        guard let claim = try ClaimRow.load(id, in: connection) else { return }
        try connection.run("DELETE FROM claim_overruled WHERE claim_id = ?1 OR by_claim = ?1", [id])
        // Claims of the same project whose create `id` saw (as the later claim). Only one that
        // expires after `id` was written can have been live then (its expiry as seen is at most
        // its expiry with every renewal).
        let earlier = try ClaimRow.loadAll("""
            JOIN claim_seen s ON s.claim_id = ?1 AND s.origin_daemon = c.origin_daemon AND s.sequence >= c.sequence
            WHERE c.project = ?2 AND c.agent != ?3 AND c.claim_id != ?1 AND c.expires_ms > ?4
            """, [id, claim.project, claim.agent, claim.createdMS], in: connection)
        for other in earlier where try saw(claim, other, in: connection) && claim.conflicts(with: other) {
            try connection.run("INSERT INTO claim_overruled (claim_id, by_claim) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                               [id, other.claimID])
        }
        // Claims of the same project that saw `id`'s create (as the earlier claim), written
        // before it expired.
        let later = try ClaimRow.loadAll("""
            JOIN claim_seen s ON s.claim_id = c.claim_id AND s.origin_daemon = ?2 AND s.sequence >= ?3
            WHERE c.project = ?4 AND c.agent != ?5 AND c.claim_id != ?1 AND c.created_ms < ?6
            """, [id, claim.origin, claim.sequence, claim.project, claim.agent, claim.expiresMS], in: connection)
        for other in later where try saw(other, claim, in: connection) && other.conflicts(with: claim) {
            try connection.run("INSERT INTO claim_overruled (claim_id, by_claim) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                               [other.claimID, id])
        }
    }

    /// Whether `later` was written after its daemon had seen `earlier` active (`activeAsSeen`).
    static func saw(_ later: ClaimRow, _ earlier: ClaimRow, in connection: Connection) throws(StoreError) -> Bool {
        let held = try connection.queryFirst("""
            SELECT sequence FROM claim_seen WHERE claim_id = ?1 AND origin_daemon = ?2
            """, [later.claimID, earlier.origin]) { $0.int64(0) } ?? 0
        return try activeAsSeen(earlier, held: held, atMS: later.createdMS, in: connection)
    }

    /// Whether a daemon that held `claim`'s origin's events up to sequence `held` knew `claim` as
    /// active at `atMS`: it held the create, not the release, and `atMS` is before the expiry
    /// counting only the renewals it held.
    static func activeAsSeen(_ claim: ClaimRow, held: Int64, atMS: Int64, in connection: Connection) throws(StoreError) -> Bool {
        guard held >= claim.sequence else { return false }
        if let released = claim.releasedSequence, released <= held { return false }
        let renewals = try connection.query("""
            SELECT sequence, at_ms, ttl FROM claim_renewals WHERE claim_id = ?1 AND sequence <= ?2 ORDER BY sequence
            """, [claim.claimID, held]) { ClaimRenewal(sequence: $0.int64(0), atMS: $0.int64(1), ttl: Int($0.int64(2))) }
        return atMS < ClaimRenewal.expiry(createdMS: claim.createdMS, ttl: claim.ttl, renewals: renewals)
    }

    /// The claim rows an event bears on: its own claim.
    static func keys(type: EventType, subject: String) -> [ProjectionKey] {
        types.contains(type) ? [.claim(subject)] : []
    }
}

/// One renewal of a claim by its holder.
struct ClaimRenewal {
    let sequence: Int64
    let atMS: Int64
    let ttl: Int

    /// A claim's expiry: its timestamp plus its TTL, extended by each renewal (by the holder's
    /// sequence) made before the claim had expired, to that renewal's timestamp plus its TTL. A
    /// renewal after expiry changes nothing: an expired claim stays expired.
    static func expiry(createdMS: Int64, ttl: Int, renewals: [ClaimRenewal]) -> Int64 {
        var expiry = createdMS + Int64(ttl) * 1000
        for renewal in renewals where renewal.atMS < expiry {
            expiry = max(expiry, renewal.atMS + Int64(renewal.ttl) * 1000)
        }
        return expiry
    }
}
