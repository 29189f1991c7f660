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

    /// An agent to read for: a valid name that is registered (and not deregistered) on any daemon.
    /// Reading writes no event, so it needs no ownership.
    func registeredAgent(_ name: String) async throws -> String {
        try await registration(name).name
    }

    /// The acting agent: a registered name that this daemon owns (it registered it first, see
    /// DESIGN §5). Only the owner's events take effect, so any other daemon is refused here.
    func ownedAgent(_ name: String) async throws -> String {
        let name = try InputRules.name(name, kind: "agent")
        return try await reading { try ownedAgent(name, in: $0) }
    }

    /// `ownedAgent` for a valid name, read from `store` (for handlers that check several things in one read).
    func ownedAgent(_ name: String, in store: EventStore) throws -> String {
        let agent = try registration(name, in: store)
        try refuseIfOwnedElsewhere(agent)
        return agent.name
    }

    private func registration(_ name: String) async throws -> AgentRow {
        let name = try InputRules.name(name, kind: "agent")
        return try await reading { try registration(name, in: $0) }
    }

    private func registration(_ name: String, in store: EventStore) throws -> AgentRow {
        guard let agent = try store.agent(named: name), !agent.deregistered else {
            throw RPCError.notFound("agent \"\(name)\" is not registered; run: thrum agent register \(name)")
        }
        return agent
    }

    /// An agent another daemon owns cannot act from here: its events would have no effect anywhere.
    private func refuseIfOwnedElsewhere(_ agent: AgentRow) throws(RPCError) {
        guard !agent.deregistered, agent.originDaemon != daemon.identity.daemonID else { return }
        throw RPCError.ownedElsewhere(
            "agent \"\(agent.name)\" belongs to daemon \(agent.originDaemon)\(agent.host.map { " on host \($0)" } ?? "") "
                + "(registered there at \(agent.registeredAt)); it cannot act from this daemon. "
                + "Register another name here (thrum agent register NAME), or use the agent on that host")
    }

    func write(_ type: EventType, _ payload: some Encodable & Sendable, agent: String,
               precondition: (@Sendable (EventStore) throws -> Void)? = nil) async throws -> StoredEvent {
        try await daemon.write(type, payload, by: "agent \(agent) (\(caller))", precondition: precondition)
    }

    // MARK: agents and sessions

    func register(_ p: ControlParams.Register) async throws -> ControlResults.Written {
        let name = try InputRules.name(p.agent, kind: "agent")
        if let role = p.role, role.utf8.count > 256 { throw RPCError.invalidParams("role is longer than 256 bytes") }
        if let existing = try await reading({ try $0.agent(named: name) }) { try refuseIfOwnedElsewhere(existing) }
        let stored = try await write(.agentRegister, AgentRegistered(agent: name, role: p.role, host: daemon.hostname), agent: name)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq)
    }

    func deregister(_ p: ControlParams.Agent) async throws -> ControlResults.Written {
        let name = try await ownedAgent(p.agent)
        let stored = try await write(.agentDeregister, AgentDeregistered(agent: name), agent: name)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq)
    }

    func agents() async throws -> AgentList {
        AgentList(agents: try await reading { try $0.agents() }.map(AgentRecord.init))
    }

    func startSession(_ p: ControlParams.SessionStart) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        if let intent = p.intent, intent.utf8.count > 4096 { throw RPCError.invalidParams("intent is longer than 4096 bytes") }
        let sessionID = EventIDs.next(prefix: "ses_")
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
            if try await reading({ try $0.agent(named: group) }) != nil {
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
