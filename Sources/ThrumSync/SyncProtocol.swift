import FoundationEssentials
import ThrumCore
import ThrumRPC
import ThrumStore

/// The sync port's methods (DESIGN §6). Only these are served there, and the
/// control socket serves none of them.
public enum SyncMethod: String, Sendable, CaseIterable {
    case pull = "sync.pull"
    case notify = "sync.notify"
    case peerInfo = "sync.peer_info"
    /// One origin's events over a span of its sequences: how a daemon that sees another
    /// head than its own fetches the branch that proves a fork (`ForkExchange`).
    case originEvents = "sync.origin_events"
}

/// Line sizes on the sync port. Requests are a few hundred bytes; an answer
/// is at most a page cut at `SyncServer.defaultByteBudget` plus one event, so a
/// client never needs to buffer more than `maxAnswerBytes` for one line.
public enum SyncLimits {
    public static let maxRequestBytes = 64 << 10
    public static let maxAnswerBytes = 8 << 20
}

/// `sync.pull` params: the events after `after_seq` in the server's log.
public struct PullParams: Codable, Sendable, Equatable {
    public static let maximumLimit = 1000

    public var afterSeq: Int64
    public var limit: Int?
    /// The puller's version vector: events it covers are left out of the page
    /// (this implementation's peers only; the seed's pull has no such field).
    public var have: VersionVector?
    /// The chain hashes and fork points beside `have` (`LogFrontier`): the server sends the
    /// proofs of forks the puller does not know yet.
    public var heads: [String: String]?
    public var forks: [String: Int64]?

    public init(afterSeq: Int64, limit: Int? = nil, have: VersionVector? = nil) {
        self.afterSeq = afterSeq
        self.limit = limit
        self.have = have
    }

    public init(afterSeq: Int64, limit: Int? = nil, frontier: LogFrontier) {
        self.init(afterSeq: afterSeq, limit: limit, have: frontier.have)
        heads = frontier.heads
        forks = frontier.forks
    }

    /// The page size asked for; a missing limit means the maximum.
    public var effectiveLimit: Int { limit ?? Self.maximumLimit }

    /// Range checks that JSON decoding cannot express.
    public func validate() throws(RPCError) {
        guard afterSeq >= 0 else {
            throw .invalidParams("after_seq must be 0 or more (got \(afterSeq))")
        }
        if let limit, !(1...Self.maximumLimit).contains(limit) {
            throw .invalidParams("limit must be between 1 and \(Self.maximumLimit) (got \(limit))")
        }
        try VersionVectorRules.validate(have, field: "have")
        try VersionVectorRules.validate(heads: heads, forks: forks)
    }

    enum CodingKeys: String, CodingKey { case afterSeq = "after_seq", limit, have, heads, forks }
}

/// `sync.pull` result as the server sends it.
public struct PullResult: Encodable, Sendable {
    public var events: [Event]
    /// The last `seq` returned, or `after_seq` when nothing was.
    public var nextSeq: Int64
    /// More events follow (the page was full or cut at the byte budget).
    public var moreAvailable: Bool
    /// The server's newest `seq`: a puller whose checkpoint is past it knows the log was reset.
    public var latestSeq: Int64?
    /// The daemon IDs of the server's own peers, so the puller knows whom the server's
    /// news reaches without it (`SyncManager.relay`).
    public var peers: [String]?
    /// Who answers: a puller that skipped the key proof (a fresh one is cached) still
    /// notices at once that the address now belongs to another daemon.
    public var daemonID: String?
    /// What the server holds (`LogFrontier`): a puller compares heads and learns, after a lost
    /// or restored database, how far its own history went.
    public var have: VersionVector?
    public var heads: [String: String]?
    public var forks: [String: Int64]?
    /// Proofs of the forks the server knows and the puller's `forks` did not name.
    public var proofs: [ForkProof]?

    public init(events: [Event], nextSeq: Int64, moreAvailable: Bool, latestSeq: Int64? = nil, peers: [String]? = nil,
                daemonID: String? = nil, frontier: LogFrontier? = nil, proofs: [ForkProof]? = nil) {
        self.events = events
        self.nextSeq = nextSeq
        self.moreAvailable = moreAvailable
        self.latestSeq = latestSeq
        self.peers = peers
        self.daemonID = daemonID
        have = frontier?.have
        heads = frontier?.heads
        forks = frontier?.forks
        self.proofs = proofs
    }

    enum CodingKeys: String, CodingKey {
        case events, nextSeq = "next_seq", moreAvailable = "more_available", latestSeq = "latest_seq", peers
        case daemonID = "daemon_id", have, heads, forks, proofs
    }
}

/// `sync.pull` result as the client reads it: each event is kept as the
/// bytes it arrived as, so the validation pipeline sees exactly what the peer
/// sent and one malformed event is quarantined instead of stalling the peer's
/// whole log behind it.
public struct PulledPage: Sendable {
    /// The answer line; `events` index into it.
    public var line: [UInt8]
    public var events: [Range<Int>]
    public var nextSeq: Int64
    public var moreAvailable: Bool
    public var latestSeq: Int64?
    public var peers: [String]?
    public var daemonID: String?
    /// The server's frontier; nil from a server that does not send one.
    public var frontier: LogFrontier?
    /// Fork proofs as sent, each still to be checked (`ForkProof.problem`); a list that does
    /// not decode is left out, not the page.
    public var proofs: [ForkProof] = []

    /// Reads the `result` of a `sync.pull` (or `sync.origin_events`) answer line. A JSON-RPC
    /// `error` in it is thrown as `RPCClientError.server`.
    public static func read(answer line: [UInt8], method: SyncMethod = .pull) throws(RPCClientError) -> PulledPage {
        let method = method.rawValue
        do {
            // Only located, not checked as a whole: an event nested too deep must be
            // quarantined on its own (BoundedJSON, in validation), not stall the page.
            let envelope = try JSONSpans.members(of: line, in: line.indices)
            if let error = envelope.first(where: { $0.key == "error" }) {
                throw RPCClientError.server(try decode(RPCError.self, line[error.value]))
            }
            guard let result = envelope.first(where: { $0.key == "result" }) else {
                throw RPCClientError.badResponse(method: method, "neither result nor error")
            }
            let fields = try JSONSpans.members(of: line, in: result.value)
            func field(_ name: String) throws -> Range<Int> {
                guard let found = fields.first(where: { $0.key == name }) else {
                    throw RPCClientError.badResponse(method: method, "missing \"\(name)\"")
                }
                return found.value
            }
            func optional<T: Decodable>(_ name: String, as type: T.Type) throws -> T? {
                try fields.first(where: { $0.key == name }).map { try decode(T?.self, line[$0.value]) } ?? nil
            }
            var page = PulledPage(line: line, events: try JSONSpans.elements(of: line, in: try field("events")),
                                  nextSeq: try decode(Int64.self, line[try field("next_seq")]),
                                  moreAvailable: try decode(Bool.self, line[try field("more_available")]),
                                  latestSeq: try optional("latest_seq", as: Int64.self),
                                  peers: try optional("peers", as: [String].self),
                                  daemonID: try optional("daemon_id", as: String.self))
            if let have = try optional("have", as: VersionVector.self) {
                let frontier = LogFrontier(have: have, heads: try optional("heads", as: [String: String].self) ?? [:],
                                           forks: try optional("forks", as: [String: Int64].self) ?? [:])
                do throws(RPCError) {
                    try VersionVectorRules.validate(have, field: "have")
                    try VersionVectorRules.validate(heads: frontier.heads, forks: frontier.forks)
                    page.frontier = frontier
                } catch {
                    throw RPCClientError.badResponse(method: method, error.message)
                }
            }
            page.proofs = ((try? optional("proofs", as: [ForkProof].self)) ?? nil) ?? []
            return page
        } catch let error as RPCClientError {
            throw error
        } catch {
            throw .badResponse(method: method, "\(error)")
        }
    }

    /// The bytes of event `index`.
    public func event(_ index: Int) -> ArraySlice<UInt8> { line[events[index]] }

    private static func decode<T: Decodable>(_ type: T.Type, _ bytes: ArraySlice<UInt8>) throws -> T {
        try BoundedJSON.decode(type, from: bytes)
    }
}

/// `sync.notify` params: the sender wrote new events.
public struct NotifyParams: Codable, Sendable, Equatable {
    public var daemonID: String
    public var latestSeq: Int64
    public var eventCount: Int
    /// The sender's version vector: the receiver pulls only when it lacks something in it
    /// (this implementation's peers only).
    public var have: VersionVector?
    /// The chain hashes and fork points beside `have` (`LogFrontier`).
    public var heads: [String: String]?
    public var forks: [String: Int64]?

    public init(daemonID: String, latestSeq: Int64, eventCount: Int, have: VersionVector? = nil) {
        self.daemonID = daemonID
        self.latestSeq = latestSeq
        self.eventCount = eventCount
        self.have = have
    }

    public init(daemonID: String, latestSeq: Int64, eventCount: Int, frontier: LogFrontier) {
        self.init(daemonID: daemonID, latestSeq: latestSeq, eventCount: eventCount, have: frontier.have)
        heads = frontier.heads
        forks = frontier.forks
    }

    /// The sender's frontier, when it sent one.
    public var frontier: LogFrontier? {
        have.map { LogFrontier(have: $0, heads: heads ?? [:], forks: forks ?? [:]) }
    }

    public func validate() throws(RPCError) {
        guard daemonID.hasPrefix("d_"), daemonID.count > 2, daemonID.count <= 64 else {
            throw .invalidParams("daemon_id must be a daemon ID like d_abcdefghijklmnop")
        }
        guard latestSeq >= 0 else { throw .invalidParams("latest_seq must be 0 or more (got \(latestSeq))") }
        guard eventCount >= 0 else { throw .invalidParams("event_count must be 0 or more (got \(eventCount))") }
        try VersionVectorRules.validate(have, field: "have")
        try VersionVectorRules.validate(heads: heads, forks: forks)
    }

    enum CodingKeys: String, CodingKey {
        case daemonID = "daemon_id", latestSeq = "latest_seq", eventCount = "event_count", have, heads, forks
    }
}

/// `sync.notify` result.
public struct NotifyResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Noted; nothing to do (already up to date, or not a known peer).
        case ok
        /// A pull from the sender was scheduled.
        case queued
    }

    public var status: Status

    public init(status: Status) { self.status = status }
}

/// `sync.peer_info` params: an optional key challenge (`PeerProof`). The seed's peer_info
/// takes none; peers of this implementation always send one.
public struct PeerInfoParams: Codable, Sendable, Equatable {
    /// Standard base64 of 16 to 64 random bytes.
    public var challenge: String?

    public init(challenge: String? = nil) { self.challenge = challenge }

    public func validate() throws(RPCError) {
        guard let challenge else { return }
        guard challenge.utf8.count <= 128, let bytes = Data(base64Encoded: challenge), (16...64).contains(bytes.count) else {
            throw .invalidParams("challenge must be standard base64 of 16 to 64 random bytes")
        }
    }
}

/// `sync.peer_info` result: who answers on this port.
public struct PeerInfo: Codable, Sendable, Equatable {
    public var daemonID: String
    public var hostname: String
    /// Standard base64 of the raw 32-byte Ed25519 public key.
    public var publicKey: String
    public var fingerprint: String
    public var version: String
    public var latestSeq: Int64
    /// The signature over the asker's challenge (`PeerProof`), when one was sent.
    public var challengeSignature: String?

    public init(daemonID: String, hostname: String, publicKey: String, fingerprint: String, version: String, latestSeq: Int64,
                challengeSignature: String? = nil) {
        self.daemonID = daemonID
        self.hostname = hostname
        self.publicKey = publicKey
        self.fingerprint = fingerprint
        self.version = version
        self.latestSeq = latestSeq
        self.challengeSignature = challengeSignature
    }

    enum CodingKeys: String, CodingKey {
        case daemonID = "daemon_id", hostname, publicKey = "public_key", fingerprint, version, latestSeq = "latest_seq"
        case challengeSignature = "challenge_signature"
    }
}

/// `sync.origin_events` params: `origin`'s events with sequences `from` through `through`.
/// The answer has the shape of a pull page (`events`, `next_seq`: the last sequence sent,
/// `more_available`: cut at the byte budget).
public struct OriginEventsParams: Codable, Sendable, Equatable {
    /// The widest span one request may ask for.
    public static let maximumSpan: Int64 = 1000

    public var origin: String
    public var from: Int64
    public var through: Int64

    public init(origin: String, from: Int64, through: Int64) {
        self.origin = origin
        self.from = from
        self.through = through
    }

    public func validate() throws(RPCError) {
        guard DaemonID.isValid(origin) else { throw .invalidParams("origin must be a daemon ID like d_abcdefghijklmnop") }
        guard (1...EventLimits.maxSequence).contains(from), (from...EventLimits.maxSequence).contains(through) else {
            throw .invalidParams("from and through must be sequences with 1 <= from <= through <= 2^53")
        }
        guard through - from < Self.maximumSpan else {
            throw .invalidParams("at most \(Self.maximumSpan) sequences per request (got \(through - from + 1))")
        }
    }
}
