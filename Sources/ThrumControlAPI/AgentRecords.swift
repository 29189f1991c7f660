// Agents and groups as the control socket sends them (`agent.list`, `group.list`, `status`).

public struct AgentRecord: Codable, Sendable, Equatable {
    /// `NAME@d_…`: the agent is its name and the daemon that registered it.
    public var address: String
    /// The shortest form that names only this agent here: `NAME`, `NAME@HOST` or the address.
    public var display: String
    public var name: String
    public var role: String?
    /// The hostname this daemon verified for the agent's daemon (its own, or a key-proved peer's); nil when unknown.
    public var host: String?
    /// The daemon that registered the agent, the only one that can act as it.
    public var originDaemon: String
    public var registeredAt: String
    public var deregistered: Bool

    public init(address: String, display: String, name: String, role: String?, host: String?, originDaemon: String,
                registeredAt: String, deregistered: Bool) {
        self.address = address; self.display = display
        self.name = name; self.role = role; self.host = host; self.originDaemon = originDaemon
        self.registeredAt = registeredAt; self.deregistered = deregistered
    }

    enum CodingKeys: String, CodingKey {
        case address, display, name, role, host, originDaemon = "origin_daemon", registeredAt = "registered_at", deregistered
    }
}

public struct AgentList: Codable, Sendable {
    public var agents: [AgentRecord]
    public init(agents: [AgentRecord]) { self.agents = agents }
}

public struct GroupRecord: Codable, Sendable, Equatable {
    public var name: String
    public var createdBy: String
    public var createdAt: String
    /// Member agents' addresses, sorted.
    public var members: [String]

    public init(name: String, createdBy: String, createdAt: String, members: [String]) {
        self.name = name; self.createdBy = createdBy; self.createdAt = createdAt; self.members = members
    }

    enum CodingKeys: String, CodingKey {
        case name, createdBy = "created_by", createdAt = "created_at", members
    }
}

public struct GroupList: Codable, Sendable {
    public var groups: [GroupRecord]
    public init(groups: [GroupRecord]) { self.groups = groups }
}
