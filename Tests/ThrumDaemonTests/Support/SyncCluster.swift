import ThrumTestSupport
import FoundationEssentials
import ThrumControlAPI
import ThrumCore
#if canImport(Glibc)
import Glibc
#endif

/// Several daemons with Tailscale sync on loopback ports, each in its own
/// folder under one temporary directory, sharing one stand-in tailscaled whose
/// map authorizes loopback (see `TailnetStandIn`).
final class SyncCluster: @unchecked Sendable {
    let root = TestFiles.temporaryDirectory("thrum-sync")
    private(set) var nodes: [String: DaemonFixture] = [:]
    private(set) var ports: [String: Int] = [:]
    private(set) var hosts: [String: String] = [:]
    private var standIn: TailnetStandIn?

    /// The stand-in tailscaled every daemon of the cluster asks, started on first use.
    func tailnet() throws -> TailnetStandIn {
        if let standIn { return standIn }
        let started = try TailnetStandIn(directory: root)
        standIn = started
        return started
    }

    /// A daemon named `name`; `interval` is the periodic sync interval.
    /// `host` is the loopback address its sync port listens on.
    @discardableResult
    func add(_ name: String, interval: String = "1h", host: String = "127.0.0.1", port: Int? = nil,
             extra: [String: String] = [:]) throws -> DaemonFixture {
        let port = try port ?? FreePort.next()
        var env = [
            "THRUM_TAILSCALE_ENABLED": "true",
            "THRUM_TAILSCALE_HOSTNAME": name,
            "THRUM_TAILSCALE_SOCKET": try tailnet().socketPath,
            "THRUM_SYNC_LISTEN": "\(host):\(port)",
            "THRUM_SYNC_INTERVAL": interval,
            "THRUM_SYNC_RECENT_THRESHOLD": "1s",
        ]
        for (k, v) in extra { env[k] = v }
        let node = DaemonFixture(name: name, environment: env, directory: root)
        nodes[name] = node
        ports[name] = port
        hosts[name] = host
        return node
    }

    func node(_ name: String) throws -> DaemonFixture {
        guard let node = nodes[name] else { throw TestFailure("no node \(name)") }
        return node
    }

    /// `a` learns `b` as a peer (a pulls from b and b's notifies reach a).
    func pair(_ a: String, _ b: String) throws {
        try node(a).ok(["tsync", "peers", "add", try address(b)])
    }

    /// `host:port` of a node's sync port.
    func address(_ name: String) throws -> String {
        guard let port = ports[name], let host = hosts[name] else { throw TestFailure("no node \(name)") }
        return "\(host):\(port)"
    }

    func pairBothWays(_ a: String, _ b: String) throws {
        try pair(a, b)
        try pair(b, a)
    }

    func health(_ name: String) throws -> ControlResults.Health {
        let out = try node(name).ok(["health"])
        return try JSONDecoder().decode(ControlResults.Health.self, from: Data(out.utf8))
    }

    func cleanup() {
        for node in nodes.values {
            if let p = node.process, p.isRunning { p.signal(SIGKILL); _ = try? p.wait() }
        }
        standIn?.stop()
        TestFiles.remove(root)
    }
}

enum FreePort {
    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func next() throws -> Int { try ReservedPort().port }
}
