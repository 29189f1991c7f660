/// Claims (DESIGN §5): an agent's advisory reservation of paths or task keys in one project.
/// A claim belongs to its agent's daemon: its ID names that daemon (`clm_<ULID>-d_…`), and only
/// that daemon writes its create, renewals and release.

/// `claim.create`.
public struct ClaimMade: Codable, Sendable, Equatable {
    /// `clm_<ULID>-d_…`, made by the claim's origin.
    public var claimID: String
    /// The claiming agent's full address.
    public var agent: String
    /// Which repository (or other scope) the patterns are in: claims of two projects never meet.
    public var project: String
    /// Normalized `ClaimPattern` texts.
    public var patterns: [String]
    /// Seconds from the claim's timestamp until it expires, unless renewed.
    public var ttl: Int
    public var note: String?
    /// Shared claims overlap each other without conflict; an exclusive one conflicts with any.
    public var shared: Bool?
    /// What the writing daemon held when it wrote the claim: per origin with claims in the
    /// project, the highest sequence up to which it held every event. It decides, from the events
    /// alone, whether the claim was written after its daemon had seen a conflicting one.
    public var seen: [String: Int64]

    public init(claimID: String, agent: String, project: String, patterns: [String], ttl: Int, note: String?,
                shared: Bool?, seen: [String: Int64]) {
        self.claimID = claimID; self.agent = agent; self.project = project; self.patterns = patterns
        self.ttl = ttl; self.note = note; self.shared = shared; self.seen = seen
    }

    enum CodingKeys: String, CodingKey {
        case claimID = "claim_id", agent, project, patterns, ttl, note, shared, seen
    }

    public var isShared: Bool { shared == true }
}

/// `claim.renew`: the holder extends its claim to `ttl` seconds from the renewal's timestamp.
public struct ClaimRenewed: Codable, Sendable, Equatable {
    public var claimID: String
    public var agent: String
    public var ttl: Int
    public init(claimID: String, agent: String, ttl: Int) { self.claimID = claimID; self.agent = agent; self.ttl = ttl }
    enum CodingKeys: String, CodingKey { case claimID = "claim_id", agent, ttl }
}

/// `claim.release`: the holder gives its claim up.
public struct ClaimReleased: Codable, Sendable, Equatable {
    public var claimID: String
    public var agent: String
    public init(claimID: String, agent: String) { self.claimID = claimID; self.agent = agent }
    enum CodingKeys: String, CodingKey { case claimID = "claim_id", agent }
}

/// Bounds every daemon checks the same way at the door.
public enum ClaimLimits {
    /// The longest TTL a claim or renewal may ask for: a day. Expiry is computed from the claim's
    /// own timestamp, so this caps how long a silent holder keeps a path.
    public static let maxTTL = 86_400
    public static let defaultTTL = 3_600
    public static let maxPatterns = 100
    public static let maxProjectBytes = 256
    public static let maxNoteBytes = 1_024
    public static let maxSeenOrigins = 10_000
}

extension ClaimMade {
    /// Why this create cannot be a claim (checked at the door, so every daemon refuses the same
    /// ones); nil when it can.
    public var problem: String? {
        if let problem = ClaimMade.ttlProblem(ttl) { return problem }
        if project.isEmpty || project.utf8.count > ClaimLimits.maxProjectBytes
            || project.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "a claim's project must be 1 to \(ClaimLimits.maxProjectBytes) bytes without control characters"
        }
        guard (1...ClaimLimits.maxPatterns).contains(patterns.count) else {
            return "a claim names 1 to \(ClaimLimits.maxPatterns) patterns (got \(patterns.count))"
        }
        for text in patterns {
            guard let pattern = try? ClaimPattern(parsing: text), pattern.text == text else {
                return "claim pattern \"\(text.prefix(64))\" is not a normalized pattern"
            }
        }
        if let note, note.utf8.count > ClaimLimits.maxNoteBytes { return "a claim's note is over \(ClaimLimits.maxNoteBytes) bytes" }
        guard seen.count <= ClaimLimits.maxSeenOrigins else { return "a claim's seen names over \(ClaimLimits.maxSeenOrigins) origins" }
        for (origin, sequence) in seen where !DaemonID.isValid(origin) || !(0...EventLimits.maxSequence).contains(sequence) {
            return "a claim's seen has a bad entry for \"\(origin.prefix(40))\""
        }
        guard ScopedID.origin(of: claimID) != nil, claimID.hasPrefix("clm_"), claimID.utf8.count <= 128 else {
            return "claim_id must be clm_<ID>-d_… (got \"\(claimID.prefix(64))\")"
        }
        return nil
    }

    public static func ttlProblem(_ ttl: Int) -> String? {
        (1...ClaimLimits.maxTTL).contains(ttl) ? nil : "a claim's ttl must be 1 to \(ClaimLimits.maxTTL) seconds (a day), got \(ttl)"
    }
}
