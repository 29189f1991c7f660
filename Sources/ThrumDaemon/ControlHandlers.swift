import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

/// The work behind each control method. `caller` (uid/pid from SO_PEERCRED)
/// goes into the log line of every write.
struct ControlHandlers {
    let daemon: Daemon
    let caller: String

    /// Runs `body` on the store's reader thread (the last commit; writes go through `daemon.store.write`).
    func reading<T: Sendable>(_ body: @escaping @Sendable (EventStore) throws -> T) async throws -> T {
        try await daemon.store.read(body)
    }

    /// Resolves addresses with the hostnames this daemon verified: its own and its peers'.
    var directory: AgentDirectory {
        AgentDirectory(localDaemon: daemon.identity.daemonID, hosts: hosts)
    }

    var hosts: [String: String] { daemon.hosts }

    /// An agent to read for (any daemon's; this daemon's own when a bare name is ambiguous),
    /// as its address. Reading writes no event, so it needs no ownership.
    func registeredAgent(_ text: String) async throws -> String {
        let directory = self.directory
        return try await reading { try directory.reader(text, in: $0).address }
    }

    /// The acting agent, as its address: always one of this daemon's own agents, the only ones
    /// it can act as (DESIGN §5). Another daemon's agent is refused here with exit code 77.
    func ownedAgent(_ text: String) async throws -> String {
        let directory = self.directory
        return try await reading { try directory.local(text, in: $0).address }
    }

    func write(_ type: EventType, _ payload: some Encodable & Sendable, agent: String) async throws -> StoredEvent {
        try await daemon.write(type, payload, by: "agent \(agent) (\(caller))")
    }

    // MARK: agents and sessions

    /// Registers an agent of this daemon. The name is this daemon's to use whatever other
    /// daemons call their agents: `alice` here and `alice` on another host are two agents.
    func register(_ p: ControlParams.Register) async throws -> ControlResults.Written {
        let name = try InputRules.name(p.agent, kind: "agent")
        if let role = p.role, role.utf8.count > 256 { throw RPCError.invalidParams("role is longer than 256 bytes") }
        let address = AgentAddress(name: name, daemonID: daemon.identity.daemonID).description
        let stored = try await write(.agentRegister, AgentRegistered(agent: address, role: p.role, host: daemon.hostname),
                                     agent: address)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq)
    }

    func deregister(_ p: ControlParams.Agent) async throws -> ControlResults.Written {
        let address = try await ownedAgent(p.agent)
        let stored = try await write(.agentDeregister, AgentDeregistered(agent: address), agent: address)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq)
    }

    func agents() async throws -> AgentList {
        let hosts = directory.hosts
        return AgentList(agents: try await reading { store in
            let rows = try store.agents()
            let display = AgentDisplay(agents: rows, hosts: hosts)
            return rows.map { AgentRecord($0, display: display, hosts: hosts) }
        })
    }

    func startSession(_ p: ControlParams.SessionStart) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        if let intent = p.intent, intent.utf8.count > 4096 { throw RPCError.invalidParams("intent is longer than 4096 bytes") }
        let sessionID = ScopedID.next(prefix: "ses_", daemonID: daemon.identity.daemonID)
        let stored = try await write(.sessionStart, SessionChange(sessionID: sessionID, agent: agent, intent: p.intent), agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, sessionID: sessionID)
    }

    func endSession(_ p: ControlParams.Agent) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let session = try await activeSession(agent)
        let stored = try await write(.sessionEnd, SessionChange(sessionID: session, agent: agent), agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, sessionID: session)
    }

    func heartbeat(_ p: ControlParams.Agent) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let session = try await activeSession(agent)
        let stored = try await write(.sessionHeartbeat, SessionChange(sessionID: session, agent: agent), agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, sessionID: session)
    }

    private func activeSession(_ agent: String) async throws -> String {
        guard let session = try await reading({ try $0.activeSession(agent: agent) }) else {
            throw RPCError.notFound("agent \"\(agent)\" has no active session; run: thrum session start")
        }
        return session.sessionID
    }

    // MARK: groups

    func group(_ type: EventType, _ p: ControlParams.Group) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let group = try InputRules.name(p.group, kind: "group")
        let existing = try await reading { try $0.groups() }.first { $0.name == group }
        switch type {
        case .groupCreate:
            if existing != nil { throw RPCError.application("group \"\(group)\" already exists; join it with: thrum group join \(group)") }
            if try await reading({ try !$0.agents(named: group).isEmpty }) {
                throw RPCError.application("\"\(group)\" is already an agent's name; pick another group name")
            }
        case .groupJoin, .groupLeave:
            guard let existing else { throw RPCError.notFound("no group named \"\(group)\"; create it with: thrum group create \(group)") }
            let member = existing.members.contains(agent)
            if type == .groupJoin, member { throw RPCError.application("agent \"\(agent)\" is already a member of \(group)") }
            if type == .groupLeave, !member { throw RPCError.application("agent \"\(agent)\" is not a member of \(group)") }
        default:
            break
        }
        let stored = try await write(type, GroupChange(group: group, agent: agent), agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq)
    }

    func groups() async throws -> GroupList {
        GroupList(groups: try await reading { try $0.groups() }.map(GroupRecord.init))
    }
}
