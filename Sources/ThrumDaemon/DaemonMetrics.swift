import Metrics
import Prometheus
import Synchronization
import ThrumControlAPI
import ThrumCore
import ThrumStore
import ThrumSync

/// The daemon's metrics (README "Metrics"): one Prometheus registry, filled through
/// swift-metrics by the daemon and by sync, rendered by `/metrics` and `thrum metrics`.
/// Each daemon owns its registry, so daemons opened side by side in one test process
/// never share counts; `DaemonMain.run` also makes it the process's `MetricsSystem`.
final class DaemonMetrics: Sendable {
    enum Name {
        static let logEvents = "thrum_log_events"
        static let writes = "thrum_writes_total"
        static let writeErrors = "thrum_write_errors_total"
        static let writeDuration = "thrum_write_duration_seconds"
        static let writeCommits = "thrum_write_commits_total"
        static let heldCommits = "thrum_write_commits_held_total"
        static let writesWaiting = "thrum_writes_waiting"
        static let openConnections = "thrum_open_connections"
        static let messageWaiters = "thrum_message_waiters"
        static let receipts = "thrum_receipts_total"
        static let acknowledgements = "thrum_acknowledgements_total"
        static let overdue = "thrum_acknowledgements_overdue"
        static let ignoredReceipts = "thrum_receipts_ignored_total"
        static let claims = "thrum_claims"
        static let claimsExpiring = "thrum_claims_expiring"
    }

    static let help: [String: String] = [
        Name.logEvents: "Events in the log, by origin (local: written by this daemon, relayed: received from peers).",
        Name.writes: "Events this daemon wrote (appended, signed and fsynced) for local agents.",
        Name.writeErrors: "Local writes that failed in the event store.",
        Name.writeDuration: "Time to append one local event, from the store call to its fsynced commit.",
        Name.writeCommits: "Commits (one fsync each) that held local writes; thrum_writes_total over it is how many writes a commit held.",
        Name.heldCommits: "Commits of local writes held back for the clients the commit before answered, because commits take much longer than their way back (a slow disk).",
        Name.writesWaiting: "Local writes waiting for the store's writer thread now.",
        Name.openConnections: "Connections open now, by listener (control, sync, metrics).",
        Name.messageWaiters: "Calls of message.wait (thrum wait) waiting for a message now.",
        Name.receipts: "message.receipt events (one recipient's reads and acknowledgements, batched), by direction: written here for local agents, or received from peers.",
        Name.acknowledgements: "Acknowledgements carried by those receipts, by direction (written, received).",
        Name.claims: "Live claims of every project this daemon holds, by state (held, contested), as of the last check.",
        Name.claimsExpiring: "Live claims expiring within 10 minutes, as of the last check.",
        Name.ignoredReceipts: "Agents found claiming by receipt to have read or acknowledged a message they are not a recipient of (no effect; each message and agent once per run).",
        Name.overdue: "Acknowledgements past their deadline (thrum send --ack-within) for messages this daemon's agents sent, as of the last check.",
    ]

    /// A local write is one fsynced commit: from well under a millisecond to a slow disk's seconds.
    static let writeBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500),
    ]

    let registry = PrometheusCollectorRegistry()
    let factory: any MetricsFactory
    let sync: SyncMetrics
    private let localEvents: Meter
    private let relayedEvents: Meter
    private let writes: Metrics.Counter
    private let writeErrors: Metrics.Counter
    private let writeDuration: Metrics.Timer
    private let writeCommits: Metrics.Counter
    private let heldCommits: Metrics.Counter
    /// Gauges read from their source when the metrics are rendered.
    private let refreshers = Mutex<[@Sendable () -> Void]>([])

    init() {
        var help = Self.help
        help.merge(SyncMetrics.help) { ours, _ in ours }
        factory = DescribedPrometheusFactory(registry: registry, help: help,
                                             durationBuckets: [Name.writeDuration: Self.writeBuckets])
        sync = SyncMetrics(factory: factory)
        localEvents = Meter(label: Name.logEvents, dimensions: [("origin", "local")], factory: factory)
        relayedEvents = Meter(label: Name.logEvents, dimensions: [("origin", "relayed")], factory: factory)
        writes = Metrics.Counter(label: Name.writes, factory: factory)
        writeErrors = Metrics.Counter(label: Name.writeErrors, factory: factory)
        writeDuration = Metrics.Timer(label: Name.writeDuration, factory: factory)
        writeCommits = Metrics.Counter(label: Name.writeCommits, factory: factory)
        heldCommits = Metrics.Counter(label: Name.heldCommits, factory: factory)
    }

    /// The log as the store holds it at start; later writes and pulls move it from there.
    func logHolds(total: Int, local: Int) {
        localEvents.set(local)
        relayedEvents.set(max(0, total - local))
    }

    func wrote(_ event: Event, in duration: Duration) {
        writes.increment()
        writeDuration.record(duration: duration)
        localEvents.increment()
        countReceipt(event, direction: "written")
    }

    func acknowledgementsOverdue(_ count: Int) {
        Meter(label: Name.overdue, factory: factory).set(count)
    }

    func claims(_ counts: ClaimCounts) {
        Meter(label: Name.claims, dimensions: [("state", "held")], factory: factory).set(counts.held)
        Meter(label: Name.claims, dimensions: [("state", "contested")], factory: factory).set(counts.contested)
        Meter(label: Name.claimsExpiring, factory: factory).set(counts.expiring)
    }

    func receiptsIgnored(_ count: Int) {
        Metrics.Counter(label: Name.ignoredReceipts, factory: factory).increment(by: count)
    }

    /// A receipt event and its acknowledgements, written here or received.
    private func countReceipt(_ event: Event, direction: String) {
        guard event.knownType == .messageReceipt else { return }
        Metrics.Counter(label: Name.receipts, dimensions: [("direction", direction)], factory: factory).increment()
        let acknowledged = PayloadJSON.decode(MessageReceipt.self, from: event.data)?.acknowledged.count ?? 0
        if acknowledged > 0 {
            Metrics.Counter(label: Name.acknowledgements, dimensions: [("direction", direction)], factory: factory)
                .increment(by: acknowledged)
        }
    }

    /// One commit of local writes, holding `writes` of them (more than one when writes queued
    /// while the writer was busy: group commit), `held` back for clients coming back or not.
    func committed(writes: Int, held: Bool) {
        guard writes > 0 else { return }
        writeCommits.increment()
        if held { heldCommits.increment() }
    }

    func writeFailed() {
        writeErrors.increment()
    }

    /// Events a pull added to the log: relayed ones, and this daemon's own taken back from a
    /// peer after its log was lost or restored (`localDaemon`'s).
    func applied(_ events: [StoredEvent], localDaemon: String) {
        let own = events.count { $0.event.originDaemon == localDaemon }
        if own > 0 { localEvents.increment(by: Double(own)) }
        if events.count > own { relayedEvents.increment(by: Double(events.count - own)) }
        for stored in events { countReceipt(stored.event, direction: "received") }
    }

    /// Shows `count()` as the open connections of `listener` at each rendering.
    func watchConnections(of listener: String, _ count: @escaping @Sendable () -> Int) {
        watch(Meter(label: Name.openConnections, dimensions: [("listener", listener)], factory: factory), count)
    }

    /// Shows `count()` as the calls of `message.wait` waiting now, at each rendering.
    func watchMessageWaiters(_ count: @escaping @Sendable () -> Int) {
        watch(Meter(label: Name.messageWaiters, factory: factory), count)
    }

    /// Shows `count()` as the local writes waiting for the writer thread, at each rendering.
    func watchWaitingWrites(_ count: @escaping @Sendable () -> Int) {
        watch(Meter(label: Name.writesWaiting, factory: factory), count)
    }

    private func watch(_ gauge: Meter, _ count: @escaping @Sendable () -> Int) {
        gauge.set(count())
        beforeRendering { gauge.set(count()) }
    }

    /// Runs `refresh` before every rendering, for gauges read from elsewhere.
    func beforeRendering(_ refresh: @escaping @Sendable () -> Void) {
        refreshers.withLock { $0.append(refresh) }
    }

    /// The Prometheus text format (0.0.4) of every metric, gauges refreshed first.
    /// In memory only: no store or file is read.
    func render() -> [UInt8] {
        for refresh in refreshers.withLock({ $0 }) { refresh() }
        return registry.emitToBuffer()
    }
}
