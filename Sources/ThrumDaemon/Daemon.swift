import Synchronization
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
    /// Whether local writes may be numbered yet (a lost or restored log waits for its peers).
    let history: OwnHistory
    /// The control-API subscription: what clients wait on (`changes.wait`).
    let changes: ChangeFeed
    /// Reads waiting for their receipt (`ReceiptWriter`).
    let pendingReads = PendingReads()

    init(config: ThrumConfig, identity: DaemonIdentity, store: StoreThreads, logger: Logger, hostname: String,
         messageArrivals: ChangeSignal, sync: (any SyncControl)?, metrics: DaemonMetrics, history: OwnHistory = OwnHistory(.known),
         changes: ChangeFeed = ChangeFeed()) {
        self.history = history
        self.changes = changes
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
    func write(_ type: EventType, _ payload: some Encodable & Sendable, by who: String) async throws -> StoredEvent {
        let data = PayloadJSON.encode(payload)
        let identity = self.identity
        return try await append(type, by: who, LocalWrite(originDaemon: identity.daemonID,
                                                          payload: EventPayload(type: type, value: payload)) { link in
            identity.makeEvent(type: type, data: data, link: link)
        })
    }

    /// Writes one event whose payload `build` makes on the writer's thread, just before the
    /// write, from the newest state (a send's sender and recipient, resolved by address): no
    /// trip to the reader first, and no other local write between the lookup and the event.
    func write<Payload: Encodable & Sendable>(_ type: EventType, by who: String,
                                              building build: @escaping @Sendable (EventStore) throws -> Payload)
        async throws -> StoredEvent {
        let built = BuiltPayload()
        let identity = self.identity
        return try await append(type, by: who, LocalWrite(originDaemon: identity.daemonID, precondition: { store in
            let payload = try build(store)
            built.value.withLock { $0 = (PayloadJSON.encode(payload), EventPayload(type: type, value: payload)) }
        }, builtPayload: { built.value.withLock { $0?.payload } }) { link in
            // The precondition ran first on the same thread; without it there is nothing to write.
            guard let data = built.value.withLock({ $0?.data }) else { throw RPCError.internalError("a payload was not built") }
            return identity.makeEvent(type: type, data: data, link: link)
        })
    }

    private func append(_ type: EventType, by who: String, _ write: LocalWrite) async throws -> StoredEvent {
        let started = ContinuousClock.now
        let stored: StoredEvent
        do {
            try await history.writable(waitingAtMost: Self.historyWait)
            stored = try await store.append(write)
        } catch let error as StoreError where error.kind == .forked {
            metrics.writeFailed()
            throw RPCError.application(error.message)
        } catch is NothingToWrite {
            throw NothingToWrite()
        } catch {
            metrics.writeFailed()
            throw error
        }
        metrics.wrote(stored.event, in: ContinuousClock.now - started)
        var meta: Logger.Metadata = ["component": "control", "event_id": "\(stored.event.eventID)"]
        meta["seq"] = "\(stored.seq)"
        logger.info("control: \(type.rawValue) \(stored.event.eventID) written for \(who)", metadata: meta)
        messageArrivals.signalIfMessages([stored])
        changes.record([stored])
        sync?.localWriteHappened()
        return stored
    }
}

extension Daemon {
    /// The host names this daemon verified, by daemon ID: its own and its peers'.
    var hosts: [String: String] {
        var hosts = [identity.daemonID: hostname]
        for peer in sync?.peerSummaries() ?? [] { hosts[peer.daemonID] = peer.hostname }
        return hosts
    }

    /// How long a write waits for the first sync to settle this daemon's own history: well
    /// within the CLI's 30 s answer timeout.
    static let historyWait: Duration = .seconds(20)
}

/// What a `LocalWrite`'s precondition built, for its `make` on the same thread: the payload's
/// JSON, and the payload itself so that the store need not decode it again.
private final class BuiltPayload: Sendable {
    let value = Mutex<(data: String, payload: EventPayload?)?>(nil)
}
