// The claim methods' params and results (`claim.*`).

extension ControlParams {
    /// `claim.add`: a claim of `patterns` in `project` for the acting agent.
    public struct ClaimAdd: Codable, Sendable {
        public var agent: String
        public var project: String
        public var patterns: [String]
        public var ttlSeconds: Int?
        public var note: String?
        public var shared: Bool?
        public init(agent: String, project: String, patterns: [String], ttlSeconds: Int?, note: String?, shared: Bool?) {
            self.agent = agent; self.project = project; self.patterns = patterns; self.ttlSeconds = ttlSeconds
            self.note = note; self.shared = shared
        }
        enum CodingKeys: String, CodingKey { case agent, project, patterns, ttlSeconds = "ttl_seconds", note, shared }
    }

    /// `claim.renew`: the acting agent's claim, `ttl_seconds` (default: its own TTL) from now.
    public struct ClaimRenew: Codable, Sendable {
        public var agent: String
        public var claimID: String
        public var ttlSeconds: Int?
        public init(agent: String, claimID: String, ttlSeconds: Int?) { self.agent = agent; self.claimID = claimID; self.ttlSeconds = ttlSeconds }
        enum CodingKeys: String, CodingKey { case agent, claimID = "claim_id", ttlSeconds = "ttl_seconds" }
    }

    /// `claim.release`: one claim of the acting agent, or with `all` every live one (of `project` when given).
    public struct ClaimRelease: Codable, Sendable {
        public var agent: String
        public var claimID: String?
        public var all: Bool?
        public var project: String?
        public init(agent: String, claimID: String?, all: Bool?, project: String?) {
            self.agent = agent; self.claimID = claimID; self.all = all; self.project = project
        }
        enum CodingKeys: String, CodingKey { case agent, claimID = "claim_id", all, project }
    }

    /// `claim.list`: claims of `project` (every project when absent), of agent `of` when given,
    /// covering `path` when given; live ones, and with `ended` also those that ended lately.
    public struct ClaimList: Codable, Sendable {
        public var agent: String
        public var project: String?
        public var of: String?
        public var path: String?
        public var ended: Bool?
        public init(agent: String, project: String?, of: String?, path: String?, ended: Bool?) {
            self.agent = agent; self.project = project; self.of = of; self.path = path; self.ended = ended
        }
    }

    /// `claim.check`: who else holds any of `paths` (repository-relative, or `task:NAME`) in `project`.
    /// `agent`'s own claims do not count; without one, every claim does.
    public struct ClaimCheck: Codable, Sendable {
        public var agent: String?
        public var project: String
        public var paths: [String]
        public init(agent: String?, project: String, paths: [String]) { self.agent = agent; self.project = project; self.paths = paths }
    }

    /// `claim.wait_confirmed`: waits up to `timeout_ms` until the claim is confirmed here.
    public struct ClaimWaitConfirmed: Codable, Sendable {
        public var agent: String
        public var claimID: String
        public var timeoutMilliseconds: Int
        public init(agent: String, claimID: String, timeoutMilliseconds: Int) {
            self.agent = agent; self.claimID = claimID; self.timeoutMilliseconds = timeoutMilliseconds
        }
        enum CodingKeys: String, CodingKey { case agent, claimID = "claim_id", timeoutMilliseconds = "timeout_ms" }
    }
}

/// Another agent's claim, as a claim record names it (a rival, or what a check found).
public struct ClaimHolder: Codable, Sendable, Equatable {
    public var claimID: String
    /// The holder's full address.
    public var agent: String
    /// As short as it is unambiguous here.
    public var display: String
    /// The host its daemon runs on, when this daemon knows it.
    public var host: String?
    public var expiresAt: String
    public var state: String
    public init(claimID: String, agent: String, display: String, host: String?, expiresAt: String, state: String) {
        self.claimID = claimID; self.agent = agent; self.display = display; self.host = host; self.expiresAt = expiresAt; self.state = state
    }
    enum CodingKeys: String, CodingKey { case claimID = "claim_id", agent, display, host, expiresAt = "expires_at", state }
}

/// One claim and its state: held, contested, overruled, released or expired (the same on every
/// daemon holding the same events), and for this daemon's own held claims whether it is
/// confirmed, an observation of this daemon alone.
public struct ClaimRecord: Codable, Sendable, Equatable {
    public var claimID: String
    public var agent: String
    public var display: String
    public var host: String?
    public var project: String
    public var patterns: [String]
    public var shared: Bool
    public var note: String?
    public var state: String
    public var createdAt: String
    public var expiresAt: String
    public var renewedAt: String?
    public var releasedAt: String?
    /// The live claims that contest it (state contested).
    public var contestedWith: [ClaimHolder]
    /// The claim it saw held when it was written (state overruled).
    public var overruledBy: String?
    /// This daemon's observation, for its own live claims: every peer synced within the
    /// confirmation window advertised holding it. Nil for other daemons' claims.
    public var confirmed: Bool?
    /// What `confirmed` rests on, in words ("2 of 2 peers synced in the last 10m hold it").
    public var confirmation: String?

    public init(claimID: String, agent: String, display: String, host: String?, project: String, patterns: [String], shared: Bool,
                note: String?, state: String, createdAt: String, expiresAt: String, renewedAt: String?, releasedAt: String?,
                contestedWith: [ClaimHolder], overruledBy: String?, confirmed: Bool?, confirmation: String?) {
        self.claimID = claimID; self.agent = agent; self.display = display; self.host = host; self.project = project
        self.patterns = patterns; self.shared = shared; self.note = note; self.state = state; self.createdAt = createdAt
        self.expiresAt = expiresAt; self.renewedAt = renewedAt; self.releasedAt = releasedAt; self.contestedWith = contestedWith
        self.overruledBy = overruledBy; self.confirmed = confirmed; self.confirmation = confirmation
    }

    enum CodingKeys: String, CodingKey {
        case claimID = "claim_id", agent, display, host, project, patterns, shared, note, state, createdAt = "created_at"
        case expiresAt = "expires_at", renewedAt = "renewed_at", releasedAt = "released_at", contestedWith = "contested_with"
        case overruledBy = "overruled_by", confirmed, confirmation
    }
}

public struct ClaimList: Codable, Sendable, Equatable {
    public var claims: [ClaimRecord]
    public init(claims: [ClaimRecord]) { self.claims = claims }
}

/// `claim.release`: the claims released (none when there was nothing live to release).
public struct ClaimsReleased: Codable, Sendable, Equatable {
    public var released: [String]
    public init(released: [String]) { self.released = released }
}

/// `claim.check`: per path that another agent holds, who holds it. Empty: none is held.
public struct ClaimCheckResult: Codable, Sendable, Equatable {
    public struct Held: Codable, Sendable, Equatable {
        public var path: String
        public var holders: [ClaimHolder]
        public init(path: String, holders: [ClaimHolder]) { self.path = path; self.holders = holders }
    }
    public var project: String
    public var checked: Int
    public var held: [Held]
    public init(project: String, checked: Int, held: [Held]) { self.project = project; self.checked = checked; self.held = held }
}

/// `claim.wait_confirmed`: the claim as it stands, and whether the wait ran out first.
public struct ClaimWaited: Codable, Sendable, Equatable {
    public var claim: ClaimRecord
    public var timedOut: Bool
    public init(claim: ClaimRecord, timedOut: Bool) { self.claim = claim; self.timedOut = timedOut }
    enum CodingKeys: String, CodingKey { case claim, timedOut = "timed_out" }
}
