import Logging
import ThrumCore
import ThrumRPC
import ThrumStore
import ThrumSync
import ThrumSystem

/// Everything a running daemon shares between its control socket, its sync
/// port and its background tasks.
final class Daemon: Sendable {
    let config: ThrumConfig
    let identity: DaemonIdentity
    let store: StoreThreads
    let logger: Logger
    let startedAt: ContinuousClock.Instant
    let hostname: String
    /// Signalled after every commit that adds messages, local or synced.
    let messageArrivals: ChangeSignal
    let sync: (any SyncControl)?
    /// What `/metrics` and `thrum metrics` show.
    let metrics: DaemonMetrics
    /// Request bytes both listeners may buffer together (THRUM_REQUEST_BUFFER_BUDGET).
    let requestBudget: RequestByteBudget
    /// Large request lines of both listeners are parsed one at a time.
    let largeRequests = LargeRequestGate()

    init(config: ThrumConfig, identity: DaemonIdentity, store: StoreThreads, logger: Logger, hostname: String,
         messageArrivals: ChangeSignal, sync: (any SyncControl)?, metrics: DaemonMetrics) {
        self.messageArrivals = messageArrivals
        self.config = config
        self.identity = identity
        self.store = store
        self.logger = logger
        self.hostname = hostname
        self.startedAt = .now
        self.sync = sync
        self.metrics = metrics
        self.requestBudget = RequestByteBudget(limit: config.requestBufferBudget)
        metrics.watchMessageWaiters { messageArrivals.waiting }
    }

    /// Appends one event of this daemon, signed, in one transaction with its
    /// projections; then wakes waiters and tells peers. `who` goes in the log line.
    /// Writes one event; `precondition` (see `LocalWrite`) checks on the writer's thread what
    /// must hold for it, so the caller needs no read of its own.
    func write(_ type: EventType, _ payload: some Encodable & Sendable, by who: String,
               precondition: (@Sendable (EventStore) throws -> Void)? = nil) async throws -> StoredEvent {
        let data = PayloadJSON.encode(payload)
        let identity = self.identity
        let started = ContinuousClock.now
        let stored: StoredEvent
        do {
            stored = try await store.append(LocalWrite(originDaemon: identity.daemonID, precondition: precondition,
                                                       payload: EventPayload(type: type, value: payload)) { sequence in
                identity.makeEvent(type: type, data: data, sequence: sequence)
            })
        } catch {
            metrics.writeFailed()
            throw error
        }
        metrics.wrote(in: ContinuousClock.now - started)
        var meta: Logger.Metadata = ["component": "control", "event_id": "\(stored.event.eventID)"]
        meta["seq"] = "\(stored.seq)"
        logger.info("control: \(type.rawValue) \(stored.event.eventID) written for \(who)", metadata: meta)
        messageArrivals.signalIfMessages([stored])
        sync?.localWriteHappened()
        return stored
    }
}
