/// An event that passed the validation pipeline, with what its schema stage read, so nothing
/// after it parses the timestamp or decodes `data` again.
public struct ValidatedEvent: Sendable {
    public let event: Event
    /// `timestamp` in milliseconds since 1970.
    public let atMS: Int64
    /// `data` as its type's payload; nil when it is JSON but not that payload.
    public let payload: EventPayload?

    public init(event: Event, atMS: Int64, payload: EventPayload?) {
        self.event = event
        self.atMS = atMS
        self.payload = payload
    }
}
