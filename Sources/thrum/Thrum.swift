import ArgumentParser
import ThrumCore

@main
struct Thrum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thrum",
        abstract: "Messaging and coordination for AI coding agents across machines.",
        discussion: """
            Agents talk to the local Thrum daemon through this command; daemons on
            different machines share one signed event log over Tailscale.
            Exit codes: 0 ok, 1 failure, 2 usage, 3 ambiguous address, 4 a wait timed out, 69 daemon unreachable,
            75 try again (the daemon is taking its history back), 77 not permitted, 78 bad configuration.
            """,
        version: ThrumVersion.current,
        subcommands: [
            DaemonCommand.self, StatusCommand.self, HealthCommand.self, MetricsCommand.self, IdentityCommand.self, ConfigCommand.self,
            AgentCommand.self, SessionCommand.self, SendCommand.self, ReplyCommand.self, InboxCommand.self,
            MessageCommand.self, AckCommand.self, SentCommand.self, ClaimCommand.self, GroupCommand.self, WaitCommand.self, TsyncCommand.self, QuarantineCommand.self,
            McpCommand.self,
        ])

    /// ArgumentParser's own usage errors exit 64; Thrum promises 2.
    static func main() async {
        do {
            var command = try parseAsRoot(OptionalValues.expand(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileOutput.standardError(fullMessage(for: error))
                FileOutput.standardError("Run 'thrum --help' for usage.")
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
