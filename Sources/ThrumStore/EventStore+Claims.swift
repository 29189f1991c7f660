import ThrumCore

extension EventStore {
    /// One claim by its ID (scoped, `clm_…-d_…`); nil when its create is not in the log.
    public func claim(_ id: String) throws(StoreError) -> ClaimRow? {
        try withConnection { (connection) throws(StoreError) -> ClaimRow? in try ClaimRow.load(id, in: connection) }
    }

    /// The claims of `project` (every project when nil) not released and not expired at `nowMS`,
    /// overruled ones included (they are flagged): what held and contested are decided from.
    public func liveClaims(project: String?, nowMS: Int64) throws(StoreError) -> [ClaimRow] {
        try withConnection { (connection) throws(StoreError) -> [ClaimRow] in
            try ClaimRow.loadAll("""
                WHERE (?1 IS NULL OR c.project = ?1) AND c.released_at IS NULL AND c.expires_ms > ?2
                """, [project, nowMS], in: connection)
        }
    }

    /// Claims for `claim list`: of `project` and `agent` when given, whose expiry is after
    /// `endedSinceMS` (the live ones, and those released or expired lately), newest first.
    public func claims(project: String?, agent: String?, endedSinceMS: Int64, limit: Int) throws(StoreError) -> [ClaimRow] {
        try withConnection { (connection) throws(StoreError) -> [ClaimRow] in
            try connection.query("""
                SELECT \(ClaimRow.columns) FROM claims c
                WHERE (?1 IS NULL OR c.project = ?1) AND (?2 IS NULL OR c.agent = ?2) AND c.expires_ms > ?3
                ORDER BY c.created_ms DESC, c.claim_id LIMIT ?4
                """, [project, agent, endedSinceMS, limit], ClaimRow.read)
        }
    }

    /// What a new claim in `project` records as seen: this log's frontier for every origin that
    /// has claims in the project, and for `localDaemon` (only those can hold a claim it saw).
    public func claimSeen(project: String, localDaemon: String) throws(StoreError) -> [String: Int64] {
        let have = try frontier().have
        return try withConnection { (connection) throws(StoreError) -> [String: Int64] in
            var origins: Set<String> = [localDaemon]
            try connection.forEachRow("SELECT DISTINCT origin_daemon FROM claims WHERE project = ?1", [project]) { row in
                origins.insert(row.string(0))
                return true
            }
            var seen: [String: Int64] = [:]
            for origin in origins { seen[origin] = have[origin] ?? 0 }
            return seen
        }
    }

    /// The claims a new claim by `agent` of `patterns` in `project`, recording `seen` and written
    /// at `nowMS`, would have seen active and conflict with (by the rule of `Claims.saw`): the
    /// claims this daemon refuses to write over, since a claim written over them has no effect.
    public func claimBlockers(project: String, agent: String, patterns: [ClaimPattern], shared: Bool,
                              seen: [String: Int64], nowMS: Int64) throws(StoreError) -> [ClaimRow] {
        try withConnection { (connection) throws(StoreError) -> [ClaimRow] in
            // Only a claim whose expiry (with every renewal) is after now can be live as seen.
            let candidates = try ClaimRow.loadAll("WHERE c.project = ?1 AND c.agent != ?2 AND c.expires_ms > ?3",
                                                  [project, agent, nowMS], in: connection)
            var blocking: [ClaimRow] = []
            for claim in candidates where !(shared && claim.shared)
                && claim.patterns.contains(where: { theirs in patterns.contains { theirs.overlaps($0) } }) {
                if try Claims.activeAsSeen(claim, held: seen[claim.origin] ?? 0, atMS: nowMS, in: connection) {
                    blocking.append(claim)
                }
            }
            return blocking
        }
    }
}
