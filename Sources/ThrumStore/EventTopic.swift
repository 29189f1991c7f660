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

    init(payload: EventPayload?, atMS: Int64) {
        self.atMS = atMS
        (subject, actor) = payload.map { ($0.topic.subject, $0.topic.actor) } ?? (nil, nil)
    }
}

/// An event with its topic worked out, ready for the log. Working out a topic decodes
/// the event's `data`, so callers holding many events can do it on every core first; the
/// decoded payload goes along, so the projection rules need not decode it again.
public struct PreparedEvent: Sendable {
    public let event: Event
    let topic: EventTopic
    let payload: EventPayload?

    public init(_ event: Event) {
        self.init(event, payload: event.knownType.flatMap { EventPayload(type: $0, data: event.data) })
    }

    /// An event whose payload the caller already holds (a local write), or nil when `data` is not one.
    init(_ event: Event, payload: EventPayload?) {
        self.event = event
        self.payload = payload
        topic = EventTopic(payload: payload, atMS: Timestamp.parse(event.timestamp).map(Timestamp.milliseconds) ?? 0)
    }

    /// An event the validation pipeline accepted: what it read is used as is.
    public init(_ validated: ValidatedEvent) {
        event = validated.event
        payload = validated.payload
        topic = EventTopic(payload: validated.payload, atMS: validated.atMS)
    }
}
