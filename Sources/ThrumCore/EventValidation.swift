import FoundationEssentials

/// The validation pipeline every event received by sync passes (DESIGN §7):
/// schema, then signature, then business logic. The first failing stage
/// decides; a pure function of the event's JSON as received, the policy and
/// the clock, so it is the same in the daemon, in tests and in benchmarks.
public enum EventValidation {
    /// The accepted event, or the stage and reason that refuse it.
    public static func validate(raw: some Collection<UInt8>, policy: ValidationPolicy,
                                now: Date = Date()) -> Result<Event, ValidationFailure> {
        let event: Event
        switch checkSchema(raw, policy: policy) {
        case let .failure(failure): return .failure(failure)
        case let .success(decoded): event = decoded
        }
        if let reason = checkSignature(event, policy: policy) {
            return .failure(ValidationFailure(stage: .signature, reason: reason))
        }
        if let reason = checkBusiness(event, policy: policy, now: now) {
            return .failure(ValidationFailure(stage: .business, reason: reason))
        }
        return .success(event)
    }

    /// The `event_id` of an event's JSON if it can be read, for the quarantine
    /// record of an event that fails the schema stage.
    public static func eventID(inRaw raw: some Collection<UInt8>) -> String? {
        (try? BoundedJSON.decode(IDOnly.self, from: raw))?.eventID
    }

    // MARK: Stages

    static func checkSchema(_ raw: some Collection<UInt8>, policy: ValidationPolicy) -> Result<Event, ValidationFailure> {
        func refuse(_ reason: String) -> Result<Event, ValidationFailure> {
            .failure(ValidationFailure(stage: .schema, reason: reason))
        }
        guard raw.count <= policy.maxEventSize else {
            return refuse("event is \(raw.count) bytes, over the limit of \(policy.maxEventSize) (THRUM_SECURITY_MAX_EVENT_SIZE)")
        }
        let event: Event
        do {
            event = try BoundedJSON.decode(Event.self, from: raw)
        } catch {
            return refuse(describe(error))
        }
        guard event.eventID.hasPrefix("evt_"), (5...128).contains(event.eventID.utf8.count) else {
            return refuse("event_id must be \"evt_\" followed by an ID (got \(quoted(event.eventID)))")
        }
        guard event.knownType != nil else {
            return refuse("unknown event type \(quoted(event.type))")
        }
        guard Timestamp.parse(event.timestamp) != nil else {
            return refuse("timestamp \(quoted(event.timestamp)) is not an RFC 3339 UTC time")
        }
        guard event.sequence >= 0 else {
            return refuse("sequence must be 0 or more (got \(event.sequence))")
        }
        do {
            try JSONSyntax.check(event.data.utf8)
        } catch {
            return refuse(error.kind == .malformed ? "data is not valid JSON" : "data is \(error)")
        }
        return .success(event)
    }

    static func checkSignature(_ event: Event, policy: ValidationPolicy) -> String? {
        guard event.signature != nil else {
            if policy.requireSignatures {
                return "event is unsigned and THRUM_SECURITY_REQUIRE_SIGNATURES=true refuses unsigned events"
            }
            // An unsigned event may still name its key; if it does, the key must be the origin's.
            return event.originKey.isEmpty ? nil : event.verifyOrigin()?.description
        }
        return event.verifySignature()?.description
    }

    static func checkBusiness(_ event: Event, policy: ValidationPolicy, now: Date) -> String? {
        guard event.originDaemon.hasPrefix("d_"), event.originDaemon.count > 2 else {
            return "origin_daemon is not set"
        }
        if let at = Timestamp.parse(event.timestamp), at.timeIntervalSince(now) > policy.maxFutureSkewSeconds {
            return "timestamp \(event.timestamp) is more than \(Int(policy.maxFutureSkewSeconds / 3600)) h in the future"
        }
        switch event.knownType {
        case .messageCreate?, .threadReply?, .messageEdit?:
            if let text = PayloadJSON.decode(TextOnly.self, from: event.data)?.text,
               text.utf8.count > policy.maxMessageSize {
                return "message text is \(text.utf8.count) bytes, over the limit of \(policy.maxMessageSize) (THRUM_SECURITY_MAX_MESSAGE_SIZE)"
            }
        default:
            break
        }
        return nil
    }

    // MARK: Helpers

    private struct IDOnly: Decodable {
        var eventID: String?
        enum CodingKeys: String, CodingKey { case eventID = "event_id" }
    }

    private struct TextOnly: Decodable {
        var text: String?
    }

    /// A peer-supplied string, quoted and cut short for a log line.
    private static func quoted(_ text: String) -> String {
        let cut = text.unicodeScalars.prefix(64).filter { $0.value >= 0x20 && $0.value != 0x7f }
        return "\"" + String(String.UnicodeScalarView(cut)) + (text.unicodeScalars.count > 64 ? "…" : "") + "\""
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not a valid event envelope: \(error)" }
        switch error {
        case let .keyNotFound(key, _): return "missing required field \"\(key.stringValue)\""
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            let field = context.codingPath.last?.stringValue ?? "envelope"
            return field == "envelope" ? "the event is not a JSON object" : "field \"\(field)\" has the wrong type"
        case .dataCorrupted: return "the event is not valid JSON"
        @unknown default: return "not a valid event envelope"
        }
    }
}
