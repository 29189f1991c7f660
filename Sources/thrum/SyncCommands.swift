import ArgumentParser
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumSystem
import ThrumTailscale

struct TsyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsync", abstract: "Tailscale sync between daemons.", subcommands: [Force.self, Peers.self, Up.self])

    struct Force: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pull from every known peer now.")
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let outcomes: SyncOutcomes = try await ControlClient.call(.tsyncForce, NoParams(), timeout: .seconds(600))
            if output.json { return try JSONOutput.print(outcomes) }
            if outcomes.peers.isEmpty { return print("no peers; add one with: thrum tsync peers add HOST:PORT") }
            for o in outcomes.peers {
                if let error = o.error { print("\(o.peer) (\(o.daemonID)): error: \(error)") }
                else { print("\(o.peer) (\(o.daemonID)): applied=\(o.applied) skipped=\(o.skipped) quarantined=\(o.quarantined)") }
            }
            if outcomes.peers.contains(where: { $0.error != nil }) { throw Exit.failure }
        }
    }

    struct Peers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Known peers.", subcommands: [List.self, Add.self, Remove.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List known peers with their sync status and, for unreachable ones, when they are tried again.")
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let list: PeerList = try await ControlClient.call(.tsyncPeersList)
                if output.json { return try JSONOutput.print(list) }
                if list.peers.isEmpty { return print("no peers; add one with: thrum tsync peers add HOST:PORT") }
                Table.print(["PEER", "DAEMON_ID", "LAST_SYNC", "RETRY", "STATUS"],
                            list.peers.map { [$0.address, $0.daemonID, $0.lastSync.map(Ago.since) ?? "never", PeerRetry.text($0), $0.status] })
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a peer by address; asks it who it is and remembers its key.")
            @Argument(help: "HOST:PORT of the peer's sync port, e.g. workstation.tailnet:4200.") var address: String
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let added: AddedPeer = try await ControlClient.call(.tsyncPeersAdd, ControlParams.PeerAdd(address: address))
                if output.json { return try JSONOutput.print(added) }
                print("added peer \(added.address): \(added.daemonID) (\(added.hostname))")
                print("fingerprint: \(added.fingerprint)")
            }
        }
    }
}

struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "Events rejected by sync validation.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined events.")
        @Option(help: "Only events received from this daemon ID.") var peer: String?
        @Option(help: "Only the newest this many (1-10000).") var limit: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let list: QuarantineList = try await ControlClient.call(.quarantineList, ControlParams.Quarantine(peer: peer, limit: limit))
            if output.json { return try JSONOutput.print(list) }
            if list.dropped > 0 {
                print("\(list.dropped) older quarantined events were dropped since the daemon started (THRUM_QUARANTINE_MAX_EVENTS, THRUM_QUARANTINE_MAX_BYTES)")
            }
            if list.events.isEmpty { return print("no quarantined events") }
            Table.print(["RECEIVED", "FROM", "EVENT", "STAGE", "REASON"],
                        list.events.map { [$0.receivedAt, $0.fromDaemon, $0.eventID ?? "-", $0.stage, $0.reason] })
        }
    }
}

extension TsyncCommand {
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring this host's tailscaled up headlessly with THRUM_TAILSCALE_AUTH_KEY, _HOSTNAME, _CONTROL_URL and the required tags.")

        func run() async throws {
            let config = try ControlClient.configuration().config
            if config.tailscaleAuthKey == nil {
                FileOutput.standardError("thrum: note: THRUM_TAILSCALE_AUTH_KEY is not set; tailscale will print a login URL instead")
            }
            print("running: tailscale \(TailscaleUp.displayArguments(for: config).joined(separator: " "))")
            do {
                let code = try TailscaleUp.run(config: config, path: ProcessEnvironment.current()["PATH"] ?? "/usr/bin:/bin")
                if code != 0 { throw fail("tailscale up exited with \(code)", ExitCode(code)) }
            } catch let failure as TailscaleUp.Failure {
                throw fail(failure.description, ExitCode(failure.exitCode))
            }
        }
    }
}
