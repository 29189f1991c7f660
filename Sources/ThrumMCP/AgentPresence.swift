import Logging
import ThrumControlAPI
import ThrumCore
import ThrumRPC

/// The agent this server acts as: registered, with a session, before its first
/// tool needs it. Set up on initialize; when that fails (daemon down), the next
/// tool that needs the agent tries again. The session is ended on shutdown
/// only if this server started it, so another server for the same agent keeps its own.
actor AgentPresence {
    let agent: String
    private let daemon: DaemonClient
    private let logger: Logger
    private var ready = false
    private var settingUp: Task<Void, any Error>?
    private var startedSession = false

    init(agent: String, daemon: DaemonClient, logger: Logger) {
        self.agent = agent
        self.daemon = daemon
        self.logger = logger
    }

    /// Registers the agent and starts a session if needed; concurrent callers share one attempt.
    func ensure() async throws(DaemonFailure) {
        if ready { return }
        let attempt: Task<Void, any Error>
        if let settingUp {
            attempt = settingUp
        } else {
            attempt = Task { try await self.setUp() }
            settingUp = attempt
        }
        do {
            try await attempt.value
            ready = true
        } catch {
            // Only this failed attempt is forgotten: another caller may already have begun a newer one.
            if settingUp == attempt { settingUp = nil }
            throw (error as? DaemonFailure) ?? .failed("\(error)")
        }
    }

    private func setUp() async throws(DaemonFailure) {
        let known: AgentList = try await daemon.call(.agentList, NoParams())
        if !known.agents.contains(where: { $0.name == agent && !$0.deregistered }) {
            let _: ControlResults.Written = try await daemon.call(.agentRegister, ControlParams.Register(agent: agent, role: nil))
            logger.info("mcp: registered agent \(agent)")
        }
        do {
            // A heartbeat succeeds exactly when the agent already has an active session.
            let _: ControlResults.Written = try await daemon.call(.sessionHeartbeat, ControlParams.Agent(agent: agent))
        } catch where error.isNotFound {
            let started: ControlResults.Written = try await daemon.call(
                .sessionStart, ControlParams.SessionStart(agent: agent, intent: "MCP server (thrum mcp serve)"))
            startedSession = true
            logger.info("mcp: started session \(started.sessionID ?? "?") for agent \(agent)")
        }
    }

    /// Ends the session this server started, if any.
    func end() async {
        guard startedSession else { return }
        do {
            let ended: ControlResults.Written = try await daemon.call(.sessionEnd, ControlParams.Agent(agent: agent), timeout: .seconds(5))
            startedSession = false
            logger.info("mcp: ended session \(ended.sessionID ?? "?") for agent \(agent)")
        } catch {
            logger.warning("mcp: could not end the session of agent \(agent): \(error.message)")
        }
    }
}
