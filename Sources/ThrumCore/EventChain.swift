/// Each origin's events form a hash chain (DESIGN §4): every event names the `chainHash` of
/// its origin's previous event in `prev`, and the signature covers it. Two signed events that
/// cannot both be in one history are a fork, and they prove it themselves (`ForkProof`).
public enum EventChain {
    /// `prev` of an origin's first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// True for a `prev` or `chainHash`: 64 lowercase hex digits.
    public static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Why an event's `prev` cannot be right whatever else the log holds; nil when it can.
    public static func problem(prev: String?, sequence: Int64) -> String? {
        guard let prev else { return nil }
        guard isHash(prev) else { return "prev must be 64 lowercase hex digits (a SHA-256)" }
        if sequence == 1, prev != genesis { return "prev of an origin's first event (sequence 1) must be 64 zeros" }
        return nil
    }
}

/// Where a local write goes in this daemon's chain: its sequence and the hash of the event
/// before it.
public struct ChainLink: Sendable, Equatable {
    public let sequence: Int64
    public let prev: String

    public init(sequence: Int64, prev: String) {
        self.sequence = sequence
        self.prev = prev
    }
}
