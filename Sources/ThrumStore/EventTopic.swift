import FoundationEssentials
import ThrumCore

/// What an event bears on, stored beside it in `events` so that every event touching one
/// projection row can be found by index: `subject` is the row's key, `actor` the address of the
/// agent the event acts as (`NAME@d_…`), and `atMS` its timestamp in milliseconds.
///
/// Keys are scoped to the event's origin wherever the thing belongs to a daemon
/// (`EventPayload.scopedTopic`): an agent's address, a message or session ID in its scoped form.
/// So an event can only ever bear on rows of its own origin, except for group names, which are
/// global labels.
struct EventTopic: Equatable, Sendable {
    var subject: String?
    var actor: String?
    var atMS: Int64

    init(payload: EventPayload?, origin: String, atMS: Int64) {
        self.atMS = atMS
        (subject, actor) = payload.map { $0.scopedTopic(origin: origin) } ?? (nil, nil)
    }
}

/// An event with its topic worked out, ready for the log. Working out a topic decodes
/// the event's `data`, so callers holding many events can do it on every core first; the
/// decoded payload goes along, so the projection rules need not decode it again.
public struct PreparedEvent: Sendable {
    public let event: Event
    let topic: EventTopic
    let payload: EventPayload?
    /// `event.chainHash`, worked out with the topic (off the store's thread for pulled events).
    let hash: String

    public init(_ event: Event) {
        self.init(event, payload: event.knownType.flatMap { EventPayload(type: $0, data: event.data) })
    }

    /// An event whose payload the caller already holds (a local write), or nil when `data` is not one.
    init(_ event: Event, payload: EventPayload?) {
        self.event = event
        self.payload = payload
        hash = event.chainHash
        topic = EventTopic(payload: payload, origin: event.originDaemon,
                           atMS: Timestamp.parse(event.timestamp).map(Timestamp.milliseconds) ?? 0)
    }

    /// An event the validation pipeline accepted: what it read is used as is.
    public init(_ validated: ValidatedEvent) {
        event = validated.event
        payload = validated.payload
        hash = event.chainHash
        topic = EventTopic(payload: validated.payload, origin: event.originDaemon, atMS: validated.atMS)
    }
}
