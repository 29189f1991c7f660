import ThrumCore

/// An event as this store holds it: with its local log position.
public struct StoredEvent: Sendable, Equatable {
    /// This daemon's log position, what `sync.pull` pages by.
    public let seq: Int64
    public let event: Event
    /// The peer it was pulled from; nil for an event written on this daemon.
    public let receivedFrom: String?

    public init(seq: Int64, event: Event, receivedFrom: String?) {
        self.seq = seq
        self.event = event
        self.receivedFrom = receivedFrom
    }
}

/// What `applyBatch` did with a pulled batch.
public struct BatchApplied: Sendable, Equatable {
    /// The events that were new, in the order they were inserted.
    public var applied: [StoredEvent]
    /// Events already in the log (by origin, `event_id` and sequence), left alone.
    public var skipped: Int
    /// Events older than the retention window (THRUM_RETENTION), left out of the log.
    public var expired = 0
    /// Rejected events recorded in `quarantined_events`: the caller's and those the log refused.
    public var quarantined: [QuarantinedEvent]
    /// The oldest quarantine entries dropped to keep it within its `QuarantineBound`.
    public var quarantineDropped = 0
    /// Forks the batch proved: new here, or earlier than the one known for that origin.
    public var forks: [ForkProof] = []

    public init(applied: [StoredEvent] = [], skipped: Int = 0, quarantined: [QuarantinedEvent] = []) {
        self.applied = applied
        self.skipped = skipped
        self.quarantined = quarantined
    }
}

/// One `sync.pull` page as the store reads it.
public struct EventPage: Sendable, Equatable {
    /// The events to send, in log order.
    public var events: [StoredEvent]
    /// The last `seq` read, sent or passed over: where the next page starts.
    public var lastSeq: Int64
    /// Rows remain after `lastSeq`.
    public var more: Bool
}

/// One event this daemon writes: `make` builds (and signs) it for the link of its chain it is given.
/// `precondition`, when set, runs first on the writer's connection, just before the batch that
/// would hold the event: it reads the newest state, and the write fails with what it throws.
/// `payload`, when given, is the event's `data` already decoded (the writer built it); it is
/// asked for after `precondition` ran, so a precondition may build it.
public struct LocalWrite: Sendable {
    public let originDaemon: String
    public let precondition: (@Sendable (EventStore) throws -> Void)?
    public let payload: @Sendable () -> EventPayload?
    public let make: @Sendable (ChainLink) throws -> Event

    public init(originDaemon: String, precondition: (@Sendable (EventStore) throws -> Void)? = nil,
                payload: EventPayload? = nil, make: @escaping @Sendable (ChainLink) throws -> Event) {
        self.init(originDaemon: originDaemon, precondition: precondition, builtPayload: { payload }, make: make)
    }

    public init(originDaemon: String, precondition: (@Sendable (EventStore) throws -> Void)?,
                builtPayload: @escaping @Sendable () -> EventPayload?, make: @escaping @Sendable (ChainLink) throws -> Event) {
        self.originDaemon = originDaemon
        self.precondition = precondition
        self.payload = builtPayload
        self.make = make
    }
}
