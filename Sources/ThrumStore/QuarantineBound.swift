/// How much of the quarantine is kept (DESIGN §7): past either cap the oldest
/// entries are dropped, and an event larger than `keepWholeUpTo` (an event
/// refused for its size) is kept as its first `excerptBytes` only.
public struct QuarantineBound: Sendable, Equatable {
    public var maxEvents: Int
    public var maxBytes: Int
    public var keepWholeUpTo: Int
    public var excerptBytes: Int

    public init(maxEvents: Int = 10_000, maxBytes: Int = 64 << 20, keepWholeUpTo: Int = 1 << 20, excerptBytes: Int = 4096) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
        self.keepWholeUpTo = keepWholeUpTo
        self.excerptBytes = excerptBytes
    }

    /// What is stored of an event's JSON as received.
    func stored(_ json: String) -> String {
        let size = json.utf8.count
        guard size > keepWholeUpTo else { return json }
        return String(decoding: json.utf8.prefix(excerptBytes), as: UTF8.self) + "… (excerpt: the event was \(size) bytes)"
    }
}
