import ThrumCore
import ThrumRPC
import ThrumStore

/// Turns what people and agents type into agents' addresses (DESIGN §5): `NAME` or `@NAME`
/// when exactly one agent has that name, `NAME@d_…` always, `NAME@HOST` when exactly one daemon
/// has that hostname. Hostnames are the ones this daemon verified: its own, and each peer's
/// from its key-proved `sync.peer_info` or WhoIs (the peer registry), never what a writer put
/// in its own `agent.register`. An ambiguous name is an error listing the full addresses.
struct AgentDirectory: Sendable {
    let localDaemon: String
    /// Daemon ID → verified hostname.
    let hosts: [String: String]

    /// Who a message goes to.
    enum Recipient {
        case agent(AgentRow)
        case group(String)
        case everyone

        /// For a group or `@everyone`: the agents it reaches as this daemon knows them now, by
        /// address, besides the sender (`MessageCreated.recipients`); nil for one agent.
        func addresses(besides sender: String, in store: EventStore) throws -> [String]? {
            switch self {
            case .agent: return nil
            case let .group(name): return try store.groups().first { $0.name == name }?.members.filter { $0 != sender } ?? []
            case .everyone: return try store.agents().filter { !$0.deregistered && $0.address != sender }.map(\.address)
            }
        }

        /// The recipient as the event carries it.
        var wire: String {
            switch self {
            case let .agent(row): return "@" + row.address
            case let .group(name): return "@" + name
            case .everyone: return "@everyone"
            }
        }
    }

    /// How addresses are shown in an answer, from the agents the store holds now.
    func display(in store: EventStore) throws -> AgentDisplay {
        AgentDisplay(agents: try store.agents(), hosts: hosts)
    }

    /// The acting agent: one of this daemon's own, the only agents it can act as.
    func local(_ text: String, in store: EventStore) throws -> AgentRow {
        let (name, daemons) = try parse(text)
        if let daemons {
            guard daemons.contains(localDaemon) else { throw notLocal(name, on: daemons) }
        }
        guard let row = try store.agent(address: AgentAddress(name: name, daemonID: localDaemon).description),
              !row.deregistered else {
            let elsewhere = try store.agents(named: name).filter { $0.originDaemon != localDaemon }
            if daemons == nil, !elsewhere.isEmpty { throw notLocal(name, on: elsewhere.map(\.originDaemon)) }
            throw RPCError.notFound("agent \"\(name)\" is not registered on this daemon; run: thrum agent register \(name)")
        }
        return row
    }

    /// An agent of any daemon, for reading: a bare name means this daemon's own agent when it
    /// has one by that name, else the only agent by that name.
    func reader(_ text: String, in store: EventStore) throws -> AgentRow {
        let (name, daemons) = try parse(text)
        var rows = try candidates(name, on: daemons, in: store)
        if daemons == nil, let own = rows.first(where: { $0.originDaemon == localDaemon }) { rows = [own] }
        return try exactlyOne(name, rows, groupToo: false)
    }

    /// A recipient: `@everyone`, a group, or exactly one agent.
    func recipient(_ text: String, in store: EventStore) throws -> Recipient {
        let (name, daemons) = try parse(text, kind: "recipient")
        if name == "everyone", daemons == nil { return .everyone }
        let rows = try candidates(name, on: daemons, in: store)
        let group = try daemons == nil && store.groupExists(name)
        if group, rows.isEmpty { return .group(name) }
        return .agent(try exactlyOne(name, rows, groupToo: group, recipient: true))
    }

    /// The agents by that name, on the daemons given (all when nil), that have not deregistered.
    private func candidates(_ name: String, on daemons: [String]?, in store: EventStore) throws -> [AgentRow] {
        let rows = try store.agents(named: name)
        guard let daemons else { return rows }
        return rows.filter { daemons.contains($0.originDaemon) }
    }

    private func exactlyOne(_ name: String, _ rows: [AgentRow], groupToo: Bool, recipient: Bool = false) throws -> AgentRow {
        if rows.count == 1, !groupToo { return rows[0] }
        if rows.isEmpty {
            throw RPCError.notFound(groupToo || recipient
                ? "no agent or group named \"\(name)\"; see: thrum agent list, thrum group list"
                : "no agent named \"\(name)\" is registered; see: thrum agent list")
        }
        let listed = rows.map { "\($0.address)\(hosts[$0.originDaemon].map { " (on \($0))" } ?? "")" }
            + (groupToo ? ["@\(name) (a group)"] : [])
        throw RPCError.ambiguous("\"\(name)\" names \(listed.count) recipients: \(listed.joined(separator: ", ")); "
            + "name one by its full address (NAME@HOST or NAME@d_…)")
    }

    /// The name, and the daemons a qualifier (`@d_…` or `@HOST`) narrows it to; nil daemons for a bare name.
    private func parse(_ text: String, kind: String = "agent") throws -> (name: String, daemons: [String]?) {
        let text = text.hasPrefix("@") ? String(text.dropFirst()) : text
        guard let at = text.lastIndex(of: "@") else { return (try InputRules.name(text, kind: kind), nil) }
        let name = try InputRules.name(String(text[..<at]), kind: kind)
        let qualifier = String(text[text.index(after: at)...])
        if DaemonID.isValid(qualifier) { return (name, [qualifier]) }
        let daemons = hosts.filter { $0.value == qualifier }.map(\.key).sorted()
        switch daemons.count {
        case 0:
            throw RPCError.notFound("no daemon with hostname \"\(qualifier.prefix(80))\" is known here; "
                + "see: thrum tsync peers list, or name the daemon: \(name)@d_…")
        case 1:
            return (name, daemons)
        default:
            throw RPCError.ambiguous("hostname \"\(qualifier)\" belongs to \(daemons.count) daemons: "
                + daemons.map { "\(name)@\($0)" }.joined(separator: ", ") + "; name one by its daemon ID")
        }
    }

    private func notLocal(_ name: String, on daemons: [String]) -> RPCError {
        let owners = daemons.map { "\($0)\(hosts[$0].map { " on host \($0)" } ?? "")" }.joined(separator: ", ")
        return .ownedElsewhere("agent \"\(name)\" of daemon \(owners) can only act from its own daemon. "
            + "Register an agent here (thrum agent register \(name)), or use that agent on its host")
    }
}

/// Addresses in their shortest form that names only one agent here: `NAME`, else `NAME@HOST`,
/// else `NAME@d_…` (what `agent list`, `inbox`, `message read` and the MCP tools show).
struct AgentDisplay: Sendable {
    private let agentsByName: [String: Int]
    private let daemonsByHost: [String: Int]
    private let hosts: [String: String]

    init(agents: [AgentRow], hosts: [String: String]) {
        agentsByName = agents.reduce(into: [:]) { $0[$1.name, default: 0] += 1 }
        daemonsByHost = hosts.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        self.hosts = hosts
    }

    func show(_ address: String) -> String {
        guard let parsed = AgentAddress(parsing: address) else { return address }
        if agentsByName[parsed.name, default: 0] <= 1 { return parsed.name }
        if let host = hosts[parsed.daemonID], daemonsByHost[host] == 1 { return "\(parsed.name)@\(host)" }
        return address
    }

    /// A message's recipient: the agent it reaches, shown as above, or the group or @everyone as written.
    func recipient(to: String, agent: String?) -> String {
        agent.map { "@" + show($0) } ?? to
    }
}
