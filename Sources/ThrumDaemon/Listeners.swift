import Logging
import ThrumCore
import ThrumRPC
import ThrumSync
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

/// Where each socket comes from: systemd's named fds first, then the config.
enum Listeners {
    static func control(daemon: Daemon, inherited: [InheritedSocket]) async throws -> LineRPCServer {
        let service = ControlService(daemon: daemon)
        if let socket = inherited.first(where: { $0.name == "control" }) {
            return try await LineRPCServer.bind(on: .inherited(fd: socket.fd, name: socket.name), service: service,
                                                limits: daemon.controlLimits, label: "control", logger: daemon.logger)
        }
        let path = daemon.config.socketPath
        try prepareSocketPath(path)
        do {
            return try await LineRPCServer.bind(on: .unixPath(path, mode: 0o660), service: service,
                                                limits: daemon.controlLimits, label: "control", logger: daemon.logger)
        } catch {
            throw StartupError(message: "cannot listen on the control socket \(path): \(error)", exitCode: DaemonMain.ExitCode.failure, component: "control")
        }
    }

    static func sync(daemon: Daemon, manager: any SyncControl, inherited: [InheritedSocket]) async throws -> LineRPCServer? {
        let config = daemon.config
        let target: ListenTarget
        if let socket = inherited.first(where: { $0.name == "sync" }) {
            target = .inherited(fd: socket.fd, name: socket.name)
        } else if let listen = config.syncListen {
            target = .tcp(host: listen.host, port: listen.port, device: nil)
        } else {
            target = .tcp(host: "0.0.0.0", port: config.tailscalePort, device: config.tailscaleInterface)
        }
        do {
            let server = try await LineRPCServer.bind(on: target, service: manager.rpcService,
                                                      limits: daemon.syncLimits, label: "sync", logger: daemon.logger)
            manager.listening(on: "\(target)")
            daemon.logger.info("sync: listening on \(target)", metadata: ["component": "sync"])
            return server
        } catch {
            // Local agents keep working without the sync port (e.g. tailscale0 not up yet).
            daemon.logger.error("sync: cannot listen on \(target): \(error); serving local agents only until restarted",
                                metadata: ["component": "sync"])
            manager.listening(on: nil)
            return nil
        }
    }

    /// `THRUM_METRICS_LISTEN`, when set. Like the sync port, a listener that cannot be opened
    /// is logged and the daemon serves its agents without it.
    static func metrics(daemon: Daemon) async -> MetricsListener? {
        guard let target = daemon.config.metricsListen else { return nil }
        do {
            let listener = try await MetricsListener.bind(target, metrics: daemon.metrics)
            daemon.logger.info("metrics: serving GET /metrics and GET /healthz on http://\(target)", metadata: ["component": "metrics"])
            return listener
        } catch {
            daemon.logger.error("metrics: cannot listen on \(target) (THRUM_METRICS_LISTEN): \(error); not serving /metrics until restarted",
                                metadata: ["component": "metrics"])
            return nil
        }
    }

    /// Creates the socket's folder, and refuses to steal the socket of a daemon
    /// that is still running; a stale socket file is replaced.
    static func prepareSocketPath(_ path: String) throws {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let dir = String(path[..<slash])
            if mkdir(dir, 0o755) != 0 && errno != EEXIST {
                throw StartupError(message: "cannot create \(dir) for the control socket: \(String(cString: strerror(errno))); set THRUM_SOCKET to a writable place",
                                   exitCode: DaemonMain.ExitCode.config, component: "control")
            }
        }
        if SocketProbe.isListening(path) {
            throw StartupError(message: "another thrum daemon is already listening on \(path); stop it first (systemctl stop thrum) or set THRUM_SOCKET",
                               exitCode: DaemonMain.ExitCode.failure, component: "control")
        }
    }
}

enum SocketProbe {
    /// True when something accepts connections on the unix socket at `path`.
    static func isListening(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0
    }
}
