/// Two events, both signed by one origin, that cannot both belong to its history: the origin
/// forked at `sequence` (DESIGN §5). Either both sit at `sequence` and differ, or `second` sits
/// at `sequence + 1` and its `prev` names another event than `first`. Anyone can check a proof
/// with nothing but the two events, so it is relayed as is.
public struct ForkProof: Codable, Sendable, Equatable {
    public var origin: String
    /// The fork point: the origin signed two different events at this sequence.
    public var sequence: Int64
    public var first: Event
    public var second: Event

    public init(origin: String, sequence: Int64, first: Event, second: Event) {
        self.origin = origin
        self.sequence = sequence
        self.first = first
        self.second = second
    }

    enum CodingKeys: String, CodingKey { case origin, sequence, first, second }

    /// The proof that two events of one origin contradict each other, or nil when they do not:
    /// the same event twice, events far apart, or `later` without a `prev`.
    public static func between(_ one: Event, _ other: Event) -> ForkProof? {
        between(one, hash: one.chainHash, other, hash: other.chainHash)
    }

    /// `between`, given each event's `chainHash` (a store keeps them).
    public static func between(_ one: Event, hash oneHash: String, _ other: Event, hash otherHash: String) -> ForkProof? {
        guard one.originDaemon == other.originDaemon else { return nil }
        let ((earlier, earlierHash), (later, laterHash)) = one.sequence <= other.sequence
            ? ((one, oneHash), (other, otherHash)) : ((other, otherHash), (one, oneHash))
        if earlier.sequence == later.sequence {
            let (a, b) = (earlierHash, laterHash)
            guard a != b else { return nil }
            // Ordered by hash, so the same pair makes the same proof whichever arrived first.
            let (first, second) = a < b ? (earlier, later) : (later, earlier)
            return ForkProof(origin: earlier.originDaemon, sequence: earlier.sequence, first: first, second: second)
        }
        guard later.sequence == earlier.sequence + 1, let prev = later.prev, prev != earlierHash else { return nil }
        return ForkProof(origin: earlier.originDaemon, sequence: earlier.sequence, first: earlier, second: later)
    }

    /// Why this proof proves nothing; nil when it holds: both events are signed by `origin`'s
    /// key and contradict each other at `sequence`.
    public var problem: String? {
        for event in [first, second] {
            guard event.originDaemon == origin else { return "an event of the proof is not from \(origin)" }
            if let problem = event.verifySignature() { return "an event of the proof does not verify: \(problem)" }
            if let problem = EventChain.problem(prev: event.prev, sequence: event.sequence) { return problem }
        }
        guard let derived = Self.between(first, second), derived.sequence == sequence else {
            return "the two events do not contradict each other at sequence \(sequence)"
        }
        return nil
    }
}
