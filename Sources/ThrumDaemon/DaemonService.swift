import Logging
import NIOCore
import ServiceLifecycle
import ThrumCore
import ThrumRPC
import ThrumSync
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// The running daemon as one lifecycle service: sockets up, READY=1, serve,
/// and on SIGTERM: STOPPING=1, stop accepting, finish requests in flight, close.
struct DaemonService: Service {
    let daemon: Daemon
    let notifier: SystemdNotifier

    func run() async throws {
        let logger = daemon.logger
        let inherited = ListenFDs.take()
        let control = try await Listeners.control(daemon: daemon, inherited: inherited)
        var syncServer: LineRPCServer?
        if let sync = daemon.sync {
            syncServer = try await Listeners.sync(daemon: daemon, manager: sync, inherited: inherited)
        } else if inherited.contains(where: { $0.name == "sync" }) {
            logger.warning("sync: systemd passed a sync socket but THRUM_TAILSCALE_ENABLED is false; not serving sync", metadata: ["component": "sync"])
        }
        logger.info("control: listening on \(control.target)", metadata: ["component": "control"])
        // Weak: each server's service holds the daemon, which holds the metrics.
        daemon.metrics.watchConnections(of: "control") { [weak control] in control?.openConnections ?? 0 }
        if let syncServer { daemon.metrics.watchConnections(of: "sync") { [weak syncServer] in syncServer?.openConnections ?? 0 } }
        let metricsListener = await Listeners.metrics(daemon: daemon)
        notifier.ready()
        notifier.status(await StatusLine.make(daemon))

        await withTaskGroup(of: Void.self) { background in
            if let sync = daemon.sync { background.addTask { await sync.run() } }
            if let metricsListener { background.addTask { await metricsListener.run() } }
            background.addTask { await Heartbeats.run(daemon: daemon, notifier: notifier) }
            if let retention = daemon.store.writer.retention {
                background.addTask { await RetentionPass(store: daemon.store, retention: retention, logger: logger).run() }
            }
            try? await gracefulShutdown()
            logger.info("shutting down: finishing requests in flight", metadata: ["component": "control"])
            notifier.stopping()
            background.cancelAll()
        }
        if let syncServer { await syncServer.shutdown() }
        await control.shutdown()
        await daemon.store.shutdown()
        logger.info("stopped", metadata: ["component": "control"])
    }
}

/// READY-time and periodic STATUS= text, and the watchdog.
enum Heartbeats {
    static func run(daemon: Daemon, notifier: SystemdNotifier) async {
        let statusEvery = Duration.seconds(10)
        let tick = notifier.watchdogInterval.map { min($0, statusEvery) } ?? statusEvery
        var sinceStatus = Duration.zero
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: tick)) != nil else { return }
            // WATCHDOG=1 only when systemd asked for it (WatchdogSec=).
            if notifier.watchdogInterval != nil { notifier.watchdog() }
            sinceStatus += tick
            if sinceStatus >= statusEvery {
                sinceStatus = .zero
                notifier.status(await StatusLine.make(daemon))
            }
        }
    }
}

enum StatusLine {
    /// What `systemctl status thrum` shows, e.g. "3 peers, last sync 30s ago; 2 agents".
    static func make(_ daemon: Daemon) async -> String {
        let agents = (try? await daemon.store.read { try $0.agents().count }) ?? 0
        let agentText = agents == 1 ? "1 agent" : "\(agents) agents"
        guard let sync = daemon.sync else { return "serving \(agentText) locally; Tailscale sync disabled" }
        let summary = sync.summary()
        let peers = summary.peerCount == 1 ? "1 peer" : "\(summary.peerCount) peers"
        let last = summary.lastSync.flatMap { Timestamp.age(of: $0) }.map { "last sync \($0) ago" } ?? "no sync yet"
        return "\(peers), \(last); \(agentText)"
    }
}
