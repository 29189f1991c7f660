import Logging
import Metrics
import ServiceLifecycle
import ThrumCore
import ThrumRPC
import ThrumStore
import ThrumSync
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// `thrum daemon start`: load the configuration, open identity and store,
/// take or bind the sockets, report READY=1, serve until SIGTERM/SIGINT.
public enum DaemonMain {
    public enum ExitCode {
        public static let ok: Int32 = 0
        public static let failure: Int32 = 1
        public static let config: Int32 = 78
    }

    public static func run(environment: [String: String]) async -> Int32 {
        let notifier = SystemdNotifier()
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(environment: environment) { path in try TextFile.read(path) }
        } catch {
            return fail("thrum: configuration error: \(error)", code: ExitCode.config, notifier: notifier)
        }
        let config = loaded.config
        LogSetup.bootstrap(target: LogDestination(rawValue: config.logTarget.rawValue) ?? .auto)
        let logger = Logger(label: "thrum")
        for warning in loaded.warnings { logger.warning("config: \(warning)") }

        // Once per process: anything that counts through the global MetricsSystem lands in
        // the same registry as the daemon's own metrics.
        let metrics = DaemonMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        do {
            let daemon = try await open(config: config, logger: logger, notifier: notifier, metrics: metrics)
            let services = try await DaemonServices.make(daemon: daemon, notifier: notifier)
            let group = ServiceGroup(configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
            try await group.run()
            return ExitCode.ok
        } catch let error as StartupError {
            logger.critical("\(error.message)", metadata: error.component.map { ["component": "\($0)"] } ?? [:])
            return fail(nil, code: error.exitCode, notifier: notifier)
        } catch {
            logger.critical("daemon stopped: \(error)")
            return fail(nil, code: ExitCode.failure, notifier: notifier)
        }
    }

    private static func fail(_ message: String?, code: Int32, notifier: SystemdNotifier) -> Int32 {
        if let message { StandardError.write(message) }
        notifier.status("failed to start; see journalctl -u thrum")
        return code
    }

    /// State folder, identity, store: everything that must work before READY=1.
    static func open(config: ThrumConfig, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
                     metrics: DaemonMetrics = DaemonMetrics()) async throws -> Daemon {
        try StateDirectory.ensure(config.stateDirectory)
        let keyPair: Ed25519KeyPair
        let keyIsNew: Bool
        do {
            let (pair, created) = try IdentityKeyFile.loadOrCreate(path: config.identityKeyPath)
            keyPair = pair
            keyIsNew = created
            let identity = DaemonIdentity(keyPair: pair)
            let verb = created ? "generated new keys at" : "loaded existing keys from"
            logger.info("identity: \(verb) \(config.identityKeyPath) (fingerprint: \(identity.fingerprint))",
                        metadata: ["component": "identity", "daemon_id": "\(identity.daemonID)"])
        } catch {
            throw StartupError(message: "identity: \(error)", exitCode: ExitCode.config, component: "identity")
        }
        let identity = DaemonIdentity(keyPair: keyPair)
        let store: EventStore
        if EventStore.upgradeRewritesLog(path: config.databasePath) {
            // Re-deriving a large log takes longer than systemd's start timeout (about 45 s per
            // million events here): say so, and ask for the time, instead of being killed half way.
            logger.notice("store: upgrading \(config.databasePath): re-deriving every projection from the event log; this runs once")
            notifier.status("upgrading the event log (once)")
            notifier.extendStartTimeout(seconds: 3600)
        }
        do {
            store = try EventStore(path: config.databasePath, retention: Retention(seconds: config.retention))
            store.quarantineBound = QuarantineBound(maxEvents: config.quarantineMaxEvents, maxBytes: config.quarantineMaxBytes,
                                                    keepWholeUpTo: config.maxEventSize)
        } catch {
            throw StartupError(message: "cannot open the event store \(config.databasePath): \(error)",
                               exitCode: ExitCode.failure, component: nil)
        }
        for migration in store.appliedMigrations {
            let milliseconds = migration.duration.components.seconds * 1000
                + migration.duration.components.attoseconds / 1_000_000_000_000_000
            let what = migration.summary.map { ": \($0)" } ?? ""
            logger.notice("store: upgraded \(config.databasePath) to schema \(migration.version) in \(milliseconds) ms\(what)")
        }
        do {
            // Own events are contiguous from sequence 1, so the vector's entry counts them.
            metrics.logHolds(total: try store.eventCount(), local: Int(try store.versionVector()[identity.daemonID] ?? 0))
        } catch {
            throw StartupError(message: "cannot read the event store \(config.databasePath): \(error)",
                               exitCode: ExitCode.failure, component: nil)
        }
        let history: OwnHistory
        let published: PublishedMark
        do {
            (history, published) = try HistoryCheck.atStart(config: config, identity: identity, keyIsNew: keyIsNew, store: store,
                                                            logger: logger)
        } catch {
            throw StartupError(message: "cannot read the event store \(config.databasePath): \(error)",
                               exitCode: ExitCode.failure, component: nil)
        }
        let threads: StoreThreads
        do {
            let markPath = config.publishedMarkPath
            let markedAtStart = published.sequence
            threads = try StoreThreads(store: store, onCommit: { writes, held in metrics.committed(writes: writes, held: held) },
                                       onPublished: { sequence in
                                           guard sequence > markedAtStart else { return }
                                           if let problem = PublishedMark(daemonID: identity.daemonID, sequence: sequence).write(to: markPath) {
                                               logger.warning("history: \(problem)", metadata: ["component": "store"])
                                           }
                                       })
        } catch {
            throw StartupError(message: "cannot open a reader of the event store \(config.databasePath): \(error)",
                               exitCode: ExitCode.failure, component: nil)
        }
        metrics.watchWaitingWrites { threads.waitingWrites }
        let messageArrivals = ChangeSignal()
        let changes = ChangeFeed()
        let sync = config.tailscaleEnabled
            ? try SyncWiring.make(config: config, identity: identity, store: threads, logger: logger, messageArrivals: messageArrivals,
                                  changes: changes, metrics: metrics, history: history)
            : nil
        return Daemon(config: config, identity: identity, store: threads, logger: logger,
                      hostname: config.tailscaleHostname ?? HostName.current(), messageArrivals: messageArrivals, sync: sync,
                      metrics: metrics, history: history, changes: changes)
    }
}

struct StartupError: Error {
    let message: String
    let exitCode: Int32
    let component: String?
}

enum StandardError {
    static func write(_ line: String) {
        FileDescriptorIO.writeAll(2, Array((line + "\n").utf8))
    }
}

enum StateDirectory {
    /// Creates the state folder (0700) if missing; an existing one is left as the admin set it.
    static func ensure(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw StartupError(message: "THRUM_STATE_DIR \(path) exists but is not a folder", exitCode: DaemonMain.ExitCode.config, component: nil)
            }
            return
        }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw StartupError(message: "cannot create the state folder \(path): \(String(cString: strerror(errno))); create it or set THRUM_STATE_DIR",
                               exitCode: DaemonMain.ExitCode.config, component: nil)
        }
    }
}
