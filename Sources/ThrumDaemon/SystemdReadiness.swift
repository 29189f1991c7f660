import ServiceLifecycle
import ThrumCore
import ThrumSystem

/// What systemd hears from the daemon, as a lifecycle service: READY=1 when the
/// group starts (every socket is open by then), STATUS= and WATCHDOG=1 while it
/// runs, and STOPPING=1 first thing at shutdown (it is the last service, so the
/// first to be shut down).
struct SystemdReadiness: Service, CustomStringConvertible {
    let daemon: Daemon
    let notifier: SystemdNotifier
    var description: String { "systemd notifications" }

    func run() async {
        notifier.ready()
        notifier.status(await StatusLine.make(daemon))
        await cancelWhenGracefulShutdown { [daemon, notifier] in await Heartbeats.run(daemon: daemon, notifier: notifier) }
        daemon.logger.info("shutting down: finishing requests in flight", metadata: ["component": "control"])
        notifier.stopping()
    }
}

/// Periodic STATUS= text, and the watchdog.
enum Heartbeats {
    /// Runs until the calling task is cancelled.
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
