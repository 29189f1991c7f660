import FoundationEssentials

/// The event envelope (DESIGN §4), identical on the wire and in the log.
/// `type` stays a plain string so that an event of an unknown type can still be
/// decoded, quarantined and reported instead of failing the whole batch.
public struct Event: Codable, Sendable, Equatable, Hashable {
    public var eventID: String
    public var type: String
    public var timestamp: String
    public var originDaemon: String
    public var originKey: String
    public var sequence: Int64
    /// The hash (`chainHash`) of its origin's event at `sequence - 1`, or `EventChain.genesis` at
    /// sequence 1: each origin's events form a hash chain, so a fork carries its own proof.
    /// Nil for events written before chains (DESIGN §4), which stay valid.
    public var prev: String?
    /// The type's payload as a JSON string, copied byte for byte by relays.
    public var data: String
    /// Standard base64 of the 64-byte Ed25519 signature; nil when unsigned.
    public var signature: String?

    public init(eventID: String, type: String, timestamp: String, originDaemon: String,
                originKey: String, sequence: Int64, prev: String? = nil, data: String, signature: String?) {
        self.eventID = eventID
        self.type = type
        self.timestamp = timestamp
        self.originDaemon = originDaemon
        self.originKey = originKey
        self.sequence = sequence
        self.prev = prev
        self.data = data
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case type
        case timestamp
        case originDaemon = "origin_daemon"
        case originKey = "origin_key"
        case sequence
        case prev
        case data
        case signature
    }

    /// The event's known type, or nil for a type this build does not know.
    public var knownType: EventType? { EventType(rawValue: type) }
}

/// The seed's list of event types.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case messageCreate = "message.create"
    case messageEdit = "message.edit"
    case messageDelete = "message.delete"
    case sessionStart = "session.start"
    case sessionEnd = "session.end"
    case sessionHeartbeat = "session.heartbeat"
    case agentRegister = "agent.register"
    case agentDeregister = "agent.deregister"
    case subscribe = "subscribe"
    case unsubscribe = "unsubscribe"
    case groupCreate = "group.create"
    case groupJoin = "group.join"
    case groupLeave = "group.leave"
    case threadCreate = "thread.create"
    case threadReply = "thread.reply"
    /// A recipient read or acknowledged messages (`MessageReceipt`); not in the seed's list.
    case messageReceipt = "message.receipt"
    /// Claims of paths or task keys (`ClaimMade`, `ClaimRenewed`, `ClaimReleased`); not in the seed's list.
    case claimCreate = "claim.create"
    case claimRenew = "claim.renew"
    case claimRelease = "claim.release"
}

/// Bounds on envelope fields that every daemon checks the same way.
public enum EventLimits {
    /// `sequence` is 1…2^53: every origin counts from 1, and 2^53 is exact in every JSON
    /// reader (a double), so no value near Int64's edge can reach the daemon's arithmetic.
    public static let maxSequence: Int64 = 1 << 53
}
