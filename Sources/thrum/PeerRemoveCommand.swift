import ArgumentParser
import ThrumControlAPI
import ThrumCore

extension TsyncCommand.Peers {
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a peer: it is no longer pulled from or notified (discovery re-adds one still online and tagged).")
        @Argument(help: "The peer's DAEMON_ID or its HOST:PORT, as thrum tsync peers list shows them.") var peer: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let result: RemovedPeers = try await ControlClient.call(.tsyncPeersRemove, ControlParams.PeerRemove(peer: peer))
            if output.json { return try JSONOutput.print(result) }
            for removed in result.removed {
                print("removed peer \(removed.address): \(removed.daemonID) (\(removed.hostname))")
            }
        }
    }
}

/// The RETRY column of `thrum tsync peers list`: "in 40s (5 failures)", "due (2 failures)" or "-".
enum PeerRetry {
    static func text(_ peer: ControlResults.PeerSummary) -> String {
        guard let failures = peer.failures, failures > 0 else { return "-" }
        let count = "(\(failures) failure\(failures == 1 ? "" : "s"))"
        guard let wait = peer.retryInMilliseconds, wait > 0 else { return "due \(count)" }
        return "in \(Timestamp.age(seconds: (wait + 999) / 1000)) \(count)"
    }
}
