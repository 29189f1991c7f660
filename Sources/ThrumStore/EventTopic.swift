import FoundationEssentials
import ThrumCore

/// What an event bears on, stored beside it in `events` so that every event touching one
/// projection row can be found by index: `subject` is the row's key (agent name, message,
/// session, group, topic or thread ID), `actor` the agent the event acts as, and `atMS` its
/// timestamp in milliseconds, the first half of the (timestamp, event_id) order every rule uses.
struct EventTopic: Equatable, Sendable {
    var subject: String?
    var actor: String?
    var atMS: Int64

    init(_ event: Event) {
        atMS = Timestamp.parse(event.timestamp).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
        guard let type = event.knownType else { return }
        func read<T: Decodable>(_ type: T.Type) -> T? { PayloadJSON.decode(type, from: event.data) }
        switch type {
        case .agentRegister:
            guard let p = read(AgentRegistered.self) else { return }
            (subject, actor) = (p.agent, p.agent)
        case .agentDeregister:
            guard let p = read(AgentDeregistered.self) else { return }
            (subject, actor) = (p.agent, p.agent)
        case .sessionStart, .sessionEnd, .sessionHeartbeat:
            guard let p = read(SessionChange.self) else { return }
            (subject, actor) = (p.sessionID, p.agent)
        case .messageCreate, .threadReply:
            guard let p = read(MessageCreated.self) else { return }
            (subject, actor) = (p.messageID, p.from)
        case .messageEdit:
            guard let p = read(MessageEdited.self) else { return }
            (subject, actor) = (p.messageID, p.agent)
        case .messageDelete:
            guard let p = read(MessageDeleted.self) else { return }
            (subject, actor) = (p.messageID, p.agent)
        case .groupCreate, .groupJoin, .groupLeave:
            guard let p = read(GroupChange.self) else { return }
            (subject, actor) = (p.group, p.agent)
        case .subscribe, .unsubscribe:
            guard let p = read(SubscriptionChange.self) else { return }
            (subject, actor) = (p.topic, p.agent)
        case .threadCreate:
            guard let p = read(ThreadCreated.self) else { return }
            (subject, actor) = (p.threadID, p.agent)
        }
    }
}

/// An event with its topic worked out, ready for the log. Working out a topic decodes
/// the event's `data`, so callers holding many events can do it on every core first.
public struct PreparedEvent: Sendable {
    public let event: Event
    let topic: EventTopic

    public init(_ event: Event) {
        self.event = event
        topic = EventTopic(event)
    }
}
