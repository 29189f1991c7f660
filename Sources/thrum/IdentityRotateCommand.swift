import ArgumentParser
import ThrumControlAPI
import ThrumDaemon
import ThrumRPC

/// `thrum identity rotate`: see `IdentityRotation`.
struct IdentityRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Start a new history under a new identity key (the daemon must be stopped).",
        discussion: """
            For a daemon whose log was lost or restored and that no peer can hand its history back to,
            or whose history forked. The old key is kept beside the new one as identity.key.retired-TIME.
            Agents must register again: their addresses name the new daemon ID. Peers see a new daemon
            at the same address and must add it again (thrum tsync peers add HOST:PORT).
            """)

    func run() async throws {
        let config = try ControlClient.configuration().config
        if (try? await LineRPCClient.call(.unixPath(config.socketPath), ControlMethod.health.rawValue, NoParams(),
                                          as: ControlResults.Health.self, timeout: .seconds(5))) != nil {
            throw fail("the daemon is running on \(config.socketPath); stop it first (systemctl stop thrum.socket thrum.service), then run thrum identity rotate again",
                       Exit.failure)
        }
        let rotated: IdentityRotation.Rotated
        do {
            rotated = try IdentityRotation.rotate(config: config)
        } catch {
            throw fail("\(error)", Exit.failure)
        }
        print("New identity: \(rotated.newDaemonID) (\(rotated.fingerprint))")
        if let old = rotated.oldDaemonID, let retired = rotated.retiredKeyPath {
            print("Old identity: \(old), its key kept at \(retired)")
        }
        print("Start the daemon, register the agents again (their addresses are NAME@\(rotated.newDaemonID)),")
        print("and add this daemon again on its peers: thrum tsync peers add HOST:PORT")
    }
}
