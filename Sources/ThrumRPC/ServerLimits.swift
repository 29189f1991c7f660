/// What one listener may hold for its clients (DESIGN §7): the longest request
/// line, the open connections, and the request bytes it may buffer, shared with
/// the daemon's other listener through one `RequestByteBudget`.
public struct ServerLimits: Sendable {
    /// A longer line gets an error and its connection is closed.
    public var maxLineBytes: Int
    /// Connections past this are answered with an error and closed at once.
    public var maxConnections: Int
    /// Request bytes buffered across connections (received, not yet answered).
    public var budget: RequestByteBudget
    /// Bytes each connection may buffer even while the budget is used up, so a
    /// small request is answered however many large ones are waiting.
    public var perConnectionAllowance: Int
    /// Lines longer than `perConnectionAllowance` are parsed one at a time
    /// through this gate, shared by the listeners that share the budget.
    public var largeRequests: LargeRequestGate
    /// Told of each connection refused because `maxConnections` were open (for the metrics).
    public var connectionRefused: @Sendable () -> Void

    public static let defaultMaxConnections = 256

    public init(maxLineBytes: Int = 8 << 20, maxConnections: Int = defaultMaxConnections,
                budget: RequestByteBudget = RequestByteBudget(limit: RequestByteBudget.defaultLimit),
                perConnectionAllowance: Int = 64 << 10, largeRequests: LargeRequestGate = LargeRequestGate(),
                connectionRefused: @escaping @Sendable () -> Void = {}) {
        self.maxLineBytes = maxLineBytes
        self.maxConnections = maxConnections
        self.budget = budget
        self.perConnectionAllowance = perConnectionAllowance
        self.largeRequests = largeRequests
        self.connectionRefused = connectionRefused
    }
}
