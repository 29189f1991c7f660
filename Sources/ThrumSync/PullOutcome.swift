/// How one pull from a peer went.
public struct PullOutcome: Sendable, Equatable {
    /// The peer's sync address.
    public var peer: String
    public var daemonID: String
    public var applied: Int
    public var skipped: Int
    public var quarantined: Int
    public var error: String?

    public init(peer: String, daemonID: String, applied: Int, skipped: Int, quarantined: Int, error: String?) {
        self.peer = peer; self.daemonID = daemonID; self.applied = applied; self.skipped = skipped
        self.quarantined = quarantined; self.error = error
    }
}
