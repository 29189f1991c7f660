import FoundationEssentials
import ThrumCore
import ThrumRPC

/// The sync port's methods (DESIGN §6). Only these are served there, and the
/// control socket serves none of them.
public enum SyncMethod: String, Sendable, CaseIterable {
    case pull = "sync.pull"
    case notify = "sync.notify"
    case peerInfo = "sync.peer_info"
}

/// `sync.pull` params: the events after `after_seq` in the server's log.
public struct PullParams: Codable, Sendable, Equatable {
    public static let maximumLimit = 1000

    public var afterSeq: Int64
    public var limit: Int?

    public init(afterSeq: Int64, limit: Int? = nil) {
        self.afterSeq = afterSeq
        self.limit = limit
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
    }

    enum CodingKeys: String, CodingKey { case afterSeq = "after_seq", limit }
}

/// `sync.pull` result as the server sends it.
public struct PullResult: Encodable, Sendable {
    public var events: [Event]
    /// The last `seq` returned, or `after_seq` when nothing was.
    public var nextSeq: Int64
    /// More events follow (the page was full or cut at the byte budget).
    public var moreAvailable: Bool

    public init(events: [Event], nextSeq: Int64, moreAvailable: Bool) {
        self.events = events
        self.nextSeq = nextSeq
        self.moreAvailable = moreAvailable
    }

    enum CodingKeys: String, CodingKey { case events, nextSeq = "next_seq", moreAvailable = "more_available" }
}

/// `sync.pull` result as the client reads it: each event is decoded on its
/// own, so one malformed event is quarantined instead of stalling the peer's
/// whole log behind it.
public struct PulledPage: Decodable, Sendable {
    public var events: [PulledEvent]
    public var nextSeq: Int64
    public var moreAvailable: Bool

    enum CodingKeys: String, CodingKey { case events, nextSeq = "next_seq", moreAvailable = "more_available" }
}

/// One element of a pulled page.
public enum PulledEvent: Decodable, Sendable {
    case event(Event)
    /// Not a readable envelope: its JSON text, the id if one could be read, and why.
    case malformed(json: String, eventID: String?, problem: String)

    public init(from decoder: Decoder) throws {
        do {
            self = .event(try Event(from: decoder))
        } catch {
            let raw = try decoder.singleValueContainer().decode(JSONValue.self)
            let json = (try? JSONEncoder().encode(raw)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
            var eventID: String?
            if case let .string(id)? = raw["event_id"] { eventID = id }
            self = .malformed(json: json, eventID: eventID, problem: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not a valid event envelope: \(error)" }
        switch error {
        case let .keyNotFound(key, _): return "not a valid event envelope: missing \"\(key.stringValue)\""
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx):
            let field = ctx.codingPath.last?.stringValue ?? "envelope"
            return "not a valid event envelope: \"\(field)\" has the wrong type"
        case let .dataCorrupted(ctx): return "not a valid event envelope: \(ctx.debugDescription)"
        @unknown default: return "not a valid event envelope"
        }
    }
}

/// `sync.notify` params: the sender wrote new events.
public struct NotifyParams: Codable, Sendable, Equatable {
    public var daemonID: String
    public var latestSeq: Int64
    public var eventCount: Int

    public init(daemonID: String, latestSeq: Int64, eventCount: Int) {
        self.daemonID = daemonID
        self.latestSeq = latestSeq
        self.eventCount = eventCount
    }

    public func validate() throws(RPCError) {
        guard daemonID.hasPrefix("d_"), daemonID.count > 2, daemonID.count <= 64 else {
            throw .invalidParams("daemon_id must be a daemon ID like d_abcdefghijklmnop")
        }
        guard latestSeq >= 0 else { throw .invalidParams("latest_seq must be 0 or more (got \(latestSeq))") }
        guard eventCount >= 0 else { throw .invalidParams("event_count must be 0 or more (got \(eventCount))") }
    }

    enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", latestSeq = "latest_seq", eventCount = "event_count" }
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

/// `sync.peer_info` result: who answers on this port.
public struct PeerInfo: Codable, Sendable, Equatable {
    public var daemonID: String
    public var hostname: String
    /// Standard base64 of the raw 32-byte Ed25519 public key.
    public var publicKey: String
    public var fingerprint: String
    public var version: String
    public var latestSeq: Int64

    public init(daemonID: String, hostname: String, publicKey: String, fingerprint: String, version: String, latestSeq: Int64) {
        self.daemonID = daemonID
        self.hostname = hostname
        self.publicKey = publicKey
        self.fingerprint = fingerprint
        self.version = version
        self.latestSeq = latestSeq
    }

    enum CodingKeys: String, CodingKey {
        case daemonID = "daemon_id", hostname, publicKey = "public_key", fingerprint, version, latestSeq = "latest_seq"
    }
}
