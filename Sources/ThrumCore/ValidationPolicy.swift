/// The limits the validation pipeline applies (DESIGN §7), from the
/// `THRUM_SECURITY_*` variables.
public struct ValidationPolicy: Sendable, Equatable {
    /// Unsigned events are refused when true (`THRUM_SECURITY_REQUIRE_SIGNATURES`).
    public var requireSignatures: Bool
    /// Largest event, in bytes of its JSON as received (`THRUM_SECURITY_MAX_EVENT_SIZE`).
    public var maxEventSize: Int
    /// Largest message text, in UTF-8 bytes (`THRUM_SECURITY_MAX_MESSAGE_SIZE`).
    public var maxMessageSize: Int
    /// How far ahead of this daemon's clock a timestamp may be. Nothing bounds
    /// the past: a peer back after a week must still catch up.
    public var maxFutureSkewSeconds: Double

    public init(requireSignatures: Bool = true, maxEventSize: Int = 1 << 20, maxMessageSize: Int = 100 << 10,
                maxFutureSkewSeconds: Double = 24 * 3600) {
        self.requireSignatures = requireSignatures
        self.maxEventSize = maxEventSize
        self.maxMessageSize = maxMessageSize
        self.maxFutureSkewSeconds = maxFutureSkewSeconds
    }

    public init(config: ThrumConfig) {
        self.init(requireSignatures: config.requireSignatures, maxEventSize: config.maxEventSize,
                  maxMessageSize: config.maxMessageSize)
    }
}
