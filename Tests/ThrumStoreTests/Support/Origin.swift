import FoundationEssentials
import ThrumCore
import ThrumStore

/// A daemon that writes events: a real signing identity and helpers that build its signed
/// events with chosen sequences and timestamps one second apart, so orders are deterministic.
struct Origin {
    let identity = DaemonIdentity(keyPair: .generate())
    var id: String { identity.daemonID }

    /// The address of this origin's agent `name` (`NAME@d_…`).
    func at(_ name: String) -> String { AgentAddress(name: name, daemonID: id).description }

    /// The scoped form of a message or session ID this origin wrote (`ScopedID`).
    func msg(_ id: String) -> String { ScopedID.scoped(id, origin: self.id) }

    func event(_ type: EventType, _ payload: some Encodable, sequence: Int64) -> Event {
        identity.makeEvent(type: type, data: PayloadJSON.encode(payload), sequence: sequence,
                           timestamp: Self.timestamp(sequence))
    }

    /// A signed event at `link` of this origin's chain, as a local write makes it.
    func event(_ type: EventType, _ payload: some Encodable, link: ChainLink) -> Event {
        identity.makeEvent(type: type, data: PayloadJSON.encode(payload), link: link, timestamp: Self.timestamp(link.sequence))
    }

    /// A signed event for `change` with a chosen sequence and a timestamp `second`s into the test epoch.
    func event(_ change: Change, sequence: Int64, second: Int64) -> Event {
        identity.makeEvent(type: change.type, data: change.data, sequence: sequence, timestamp: Self.timestamp(second))
    }

    /// Signed events for `changes` with sequences 1, 2, 3…, each naming the one before (`prev`).
    func events(_ changes: [Change]) -> [Event] {
        var prev = EventChain.genesis
        return changes.enumerated().map { offset, change in
            let event = identity.makeEvent(type: change.type, data: change.data,
                                           link: ChainLink(sequence: Int64(offset + 1), prev: prev),
                                           timestamp: Self.timestamp(Int64(offset + 1)))
            prev = event.chainHash
            return event
        }
    }

    /// Appends `change` to `store` as a local write of this origin.
    @discardableResult
    func append(_ change: Change, to store: EventStore) throws -> StoredEvent {
        try store.appendLocal(originDaemon: id) { link in
            identity.makeEvent(type: change.type, data: change.data, link: link, timestamp: Self.timestamp(link.sequence))
        }
    }

    static func timestamp(_ second: Int64) -> String {
        Timestamp.format(Date(timeIntervalSince1970: 1_750_000_000 + Double(second)))
    }
}

/// One change an agent makes, as an event type and its payload text.
struct Change {
    let type: EventType
    let data: String

    init(_ type: EventType, _ payload: some Encodable) {
        self.type = type
        self.data = PayloadJSON.encode(payload)
    }

    init(_ type: EventType, rawData: String) {
        self.type = type
        self.data = rawData
    }

    static func register(_ agent: String, role: String? = "coder") -> Change {
        Change(.agentRegister, AgentRegistered(agent: agent, role: role, host: "host-1"))
    }

    static func deregister(_ agent: String) -> Change {
        Change(.agentDeregister, AgentDeregistered(agent: agent))
    }

    static func send(_ id: String, from: String, to: String, _ text: String) -> Change {
        Change(.messageCreate, MessageCreated(messageID: id, from: from, to: to, text: text, threadID: nil, replyTo: nil))
    }

    static func edit(_ id: String, by agent: String, _ text: String) -> Change {
        Change(.messageEdit, MessageEdited(messageID: id, agent: agent, text: text))
    }

    static func delete(_ id: String, by agent: String) -> Change {
        Change(.messageDelete, MessageDeleted(messageID: id, agent: agent))
    }

    static func createGroup(_ group: String, by agent: String) -> Change {
        Change(.groupCreate, GroupChange(group: group, agent: agent))
    }

    static func join(_ group: String, _ agent: String) -> Change {
        Change(.groupJoin, GroupChange(group: group, agent: agent))
    }

    static func leave(_ group: String, _ agent: String) -> Change {
        Change(.groupLeave, GroupChange(group: group, agent: agent))
    }

    static func startSession(_ id: String, agent: String) -> Change {
        Change(.sessionStart, SessionChange(sessionID: id, agent: agent, intent: "fix the build"))
    }

    static func endSession(_ id: String, agent: String) -> Change {
        Change(.sessionEnd, SessionChange(sessionID: id, agent: agent))
    }
}
