import ArgumentParser
import ThrumControlAPI
import ThrumCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the daemon's state and Tailscale sync status.")
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let status: StatusResult = try await ControlClient.call(.status)
        if output.json { return try JSONOutput.print(status) }
        print("Daemon: \(status.daemonID) (thrum \(status.version)) on \(status.hostname), up \(Ago.format(seconds: status.uptimeSeconds))")
        print("  State: \(status.stateDirectory)  Socket: \(status.socket)")
        print("  Events: \(status.eventCount)  Agents: \(status.agentCount)")
        let oldest = status.oldestEvent.map { "oldest event \($0) (\(Ago.since($0)))" } ?? "no events"
        let kept = status.retentionSeconds.map { "kept for \(Ago.format(seconds: $0))" } ?? "kept forever (THRUM_RETENTION=0)"
        if let bytes = status.logBytes { print("  Log: \(ByteCount.format(bytes)) on disk, \(oldest); \(kept)") }
        if let problem = status.storeProblem { print("  Store problem: \(problem)") }
        if let history = status.ownHistory, history.state != "known" {
            print("  Own history: \(history.state == "learning" ? "writes wait" : "writes refused"): \(history.detail ?? "")")
        }
        for fork in status.forks ?? [] {
            let whose = fork.ownHistory ? "this daemon's own history (\(fork.origin)); it writes nothing more: run thrum identity rotate" : fork.origin
            print("  Fork: \(whose) forked at sequence \(fork.sequence) (proven \(Ago.since(fork.detectedAt))\(fork.fromDaemon.map { ", through \($0)" } ?? "")); its events from there on count nowhere")
        }
        if let claims = status.claims, claims.live > 0 {
            print("  Claims: \(claims.live) live (\(claims.held) held, \(claims.contested) contested), \(claims.expiring) expiring within 10m")
        }
        let sync = status.tailscaleSync
        print("Tailscale Sync: \(sync.enabled ? "enabled" : "disabled")")
        if sync.enabled {
            print("  Peers: \(sync.peerCount) connected")
            print("  Last sync: \(sync.lastSync.map(Ago.since) ?? "never")")
            print("  Hostname: \(sync.hostname)")
            if let listening = sync.listening { print("  Listening: \(listening)") } else { print("  Listening: no (see journalctl -u thrum)") }
            if let problem = sync.registryProblem { print("  Peer registry problem: \(problem)") }
        }
    }
}

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Print the daemon's health as JSON.")

    func run() async throws {
        let health: ControlResults.Health = try await ControlClient.call(.health)
        try JSONOutput.print(health)
    }
}

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the daemon's metrics in the Prometheus text format, as GET /metrics serves them.")

    func run() async throws {
        let metrics: ControlResults.Metrics = try await ControlClient.call(.metrics)
        print(metrics.text, terminator: "")
    }
}

struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity", abstract: "Show this daemon's ID, public key and fingerprint, or start a new identity.",
        subcommands: [Show.self, IdentityRotateCommand.self], defaultSubcommand: Show.self)
}

extension IdentityCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show this daemon's ID, public key and fingerprint.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let identity: ControlResults.Identity = try await ControlClient.call(.identity)
            if output.json { return try JSONOutput.print(identity) }
            print("Daemon ID:   \(identity.daemonID)")
            print("Public key:  \(identity.publicKey)")
            print("Fingerprint: \(identity.fingerprint)")
            print("Key file:    \(identity.keyPath)")
        }
    }
}
