import ArgumentParser
import ThrumDaemon
import ThrumSystem

struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon", abstract: "Run the Thrum daemon.", subcommands: [Start.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the daemon in the foreground until SIGTERM or SIGINT (what thrum.service starts).")

        func run() async throws {
            let code = await DaemonMain.run(environment: ProcessEnvironment.current())
            if code != 0 { throw ExitCode(code) }
        }
    }
}
