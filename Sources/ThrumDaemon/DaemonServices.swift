import Logging
import ServiceLifecycle
import ThrumRPC
import ThrumSystem

/// The daemon's components as the services of one `ServiceGroup`, in the order they
/// depend on each other. The group starts them in this order and, on SIGTERM or
/// SIGINT, shuts them down one at a time in the reverse order: READY/STOPPING
/// first, then retention, metrics, sync, the sync port, the control socket, the
/// read receipts still pending, and the store last, once nothing can write to it any more.
enum DaemonServices {
    /// Opens every socket (systemd's first, then the configured ones) before
    /// anything is served, so READY=1 can follow at once; a control socket that
    /// cannot be opened fails the start.
    static func make(daemon: Daemon, notifier: SystemdNotifier) async throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
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

        var services: [any Service] = [StoreService(store: daemon.store, logger: logger)]
        // Stops after the control socket (no more reads come in) and writes what is pending
        // before the store closes.
        let receipts = ReceiptWriter(daemon: daemon)
        services.append(ComponentService("read receipts") { await receipts.run() })
        services.append(ComponentService("control socket") { try await control.run() })
        if let syncServer { services.append(ComponentService("sync port") { try await syncServer.run() }) }
        if let sync = daemon.sync { services.append(ComponentService("sync") { await sync.run() }) }
        if let metricsListener { services.append(ComponentService("metrics listener") { await metricsListener.run() }) }
        let overdue = OverdueWatch(daemon: daemon)
        services.append(ComponentService("overdue acknowledgements") { await overdue.run() })
        let ignored = IgnoredReceiptWatch(daemon: daemon)
        services.append(ComponentService("ignored receipts") { await ignored.run() })
        let claims = ClaimWatch(daemon: daemon)
        services.append(ComponentService("claims") { await claims.run() })
        if let retention = daemon.store.writer.retention {
            let pass = RetentionPass(store: daemon.store, retention: retention, logger: logger)
            services.append(ComponentService("retention") { await pass.run() })
        }
        services.append(SystemdReadiness(daemon: daemon, notifier: notifier))
        return services.map { .init(service: $0) }
    }
}
