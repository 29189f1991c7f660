import ThrumCore

/// One claim as its events make it (`Claims`), without the clock: whether it is held, contested
/// or expired now is `ClaimStates`' answer.
public struct ClaimRow: Sendable, Equatable {
    public var claimID: String
    public var origin: String
    public var sequence: Int64
    public var agent: String
    public var project: String
    public var patterns: [ClaimPattern]
    public var shared: Bool
    public var note: String?
    public var createdAt: String
    public var createdMS: Int64
    public var ttl: Int
    public var expiresMS: Int64
    public var renewedAt: String?
    public var releasedAt: String?
    public var releasedSequence: Int64?
    /// A claim it saw active and conflicting when it was written (it has no effect); nil for
    /// one that was not. Filled by the queries that read `claim_overruled`.
    public var overruledBy: String?

    /// Two agents' claims in one project, not both shared, with overlapping patterns.
    public func conflicts(with other: ClaimRow) -> Bool {
        guard agent != other.agent, project == other.project, !(shared && other.shared) else { return false }
        return patterns.contains { mine in other.patterns.contains { mine.overlaps($0) } }
    }

    /// Active at `nowMS` as far as its own events go: not released, not expired.
    public func isLive(atMS nowMS: Int64) -> Bool { releasedAt == nil && nowMS < expiresMS }

    static let columns = """
        c.claim_id, c.origin_daemon, c.sequence, c.agent, c.project, c.patterns, c.shared, c.note, c.created_at,
        c.created_ms, c.ttl, c.expires_ms, c.renewed_at, c.released_at, c.released_seq,
        (SELECT MIN(o.by_claim) FROM claim_overruled o WHERE o.claim_id = c.claim_id)
        """

    static func read(_ row: Row) -> ClaimRow {
        let texts = PayloadJSON.decode([String].self, from: row.string(5)) ?? []
        return ClaimRow(claimID: row.string(0), origin: row.string(1), sequence: row.int64(2), agent: row.string(3),
                        project: row.string(4), patterns: texts.compactMap { try? ClaimPattern(parsing: $0) },
                        shared: row.bool(6), note: row.optionalString(7), createdAt: row.string(8), createdMS: row.int64(9),
                        ttl: Int(row.int64(10)), expiresMS: row.int64(11), renewedAt: row.optionalString(12),
                        releasedAt: row.optionalString(13), releasedSequence: row.isNull(14) ? nil : row.int64(14),
                        overruledBy: row.optionalString(15))
    }

    static func load(_ id: String, in connection: Connection) throws(StoreError) -> ClaimRow? {
        try connection.queryFirst("SELECT \(columns) FROM claims c WHERE c.claim_id = ?1", [id], read)
    }

    /// The claims `c` that `rest` (joins and a WHERE clause) selects, by claim ID.
    static func loadAll(_ rest: String, _ values: [any SQLBindable], in connection: Connection) throws(StoreError) -> [ClaimRow] {
        try connection.query("SELECT \(columns) FROM claims c \(rest) ORDER BY c.claim_id", values, read)
    }
}
