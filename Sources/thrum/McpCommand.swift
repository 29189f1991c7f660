import ArgumentParser
import Logging
import ThrumMCP
import ThrumSystem

struct McpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Serve Thrum to coding agents over the Model Context Protocol.", subcommands: [Serve.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Speak MCP over standard input and output for one agent (what an MCP client starts).",
            discussion: """
                Tools: send_message, reply, check_inbox, wait_for_message, list_agents, sync_status, \
                all through the local daemon's control socket. The agent is registered and a session \
                started on initialize if needed; the session ends when standard input closes. \
                Standard output carries protocol messages only; logs go to standard error.
                """)
        @OptionGroup var agent: AgentOption

        func run() async throws {
            let name = try agent.resolve()
            let socket = try ControlClient.configuration().config.socketPath
            // Never the journal or stdout: stdout is the protocol, and an MCP client shows stderr.
            LogSetup.bootstrap(target: .stderr)
            // Claims' default project: this repository's, worked out once, before serving.
            let project: Result<String, MCPServer.ProjectUnknown>
            do {
                project = .success(try GitRepository.containing().projectFromRemote())
            } catch {
                project = .failure(.init("\(error)"))
            }
            let code = await MCPServer(agent: name, socketPath: socket, logger: Logger(label: "thrum.mcp"), project: project).run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}
