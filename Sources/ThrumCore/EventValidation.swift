import FoundationEssentials

/// The validation pipeline every event received by sync passes (DESIGN §7):
/// schema, then signature, then business logic. The first failing stage
/// decides; a pure function of the event's JSON as received, the policy and
/// the clock, so it is the same in the daemon, in tests and in benchmarks.
public enum EventValidation {
    /// The accepted event, or the stage and reason that refuse it.
    public static func validate(raw: some Collection<UInt8>, policy: ValidationPolicy,
                                now: Date = Date()) -> Result<Event, ValidationFailure> {
        validated(raw: raw, policy: policy, now: now).map(\.event)
    }

    /// `validate`, keeping what the schema stage read: the time and the decoded payload.
    public static func validated(raw: some Collection<UInt8>, policy: ValidationPolicy,
                                 now: Date = Date()) -> Result<ValidatedEvent, ValidationFailure> {
        let checked: Checked
        switch checkSchema(raw, policy: policy) {
        case let .failure(failure): return .failure(failure)
        case let .success(decoded): checked = decoded
        }
        let event = checked.event
        if let reason = checkSignature(event, policy: policy) {
            return .failure(ValidationFailure(stage: .signature, reason: reason))
        }
        if let reason = checkBusiness(checked, policy: policy, now: now) {
            return .failure(ValidationFailure(stage: .business, reason: reason))
        }
        return .success(ValidatedEvent(event: event, atMS: Timestamp.milliseconds(checked.at), payload: checked.payload))
    }

    /// The `event_id` of an event's JSON if it can be read, for the quarantine
    /// record of an event that fails the schema stage.
    public static func eventID(inRaw raw: some Collection<UInt8>) -> String? {
        (try? BoundedJSON.decode(IDOnly.self, from: raw))?.eventID
    }

    // MARK: Stages

    /// What the schema stage read, for the stages after it.
    struct Checked {
        var event: Event
        var at: Date
        /// `data` as the type's payload, when it is one.
        var payload: EventPayload?
        /// The `text` of `data`, when it has one.
        var text: String?
    }

    static func checkSchema(_ raw: some Collection<UInt8>,
                            policy: ValidationPolicy) -> Result<Checked, ValidationFailure> {
        func refuse(_ reason: String) -> Result<Checked, ValidationFailure> {
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
        guard let type = event.knownType else {
            return refuse("unknown event type \(quoted(event.type))")
        }
        guard let at = Timestamp.parse(event.timestamp) else {
            return refuse("timestamp \(quoted(event.timestamp)) is not an RFC 3339 UTC time")
        }
        guard (1...EventLimits.maxSequence).contains(event.sequence) else {
            return refuse("sequence must be between 1 and 2^53 (got \(event.sequence))")
        }
        if let problem = EventChain.problem(prev: event.prev, sequence: event.sequence) {
            return refuse(problem)
        }
        // JSONSyntax checks syntax and depth before the decoder runs. `data` is decoded once, as
        // its type's payload; only data that is JSON but not that payload is probed again.
        if let payload = EventPayload(type: type, data: event.data) {
            return .success(Checked(event: event, at: at, payload: payload, text: payload.text))
        }
        let probe: DataProbe
        do {
            probe = try BoundedJSON.decode(DataProbe.self, from: event.data)
        } catch let refusal as JSONSyntax.Refusal {
            return refuse(refusal.kind == .malformed ? "data is not valid JSON" : "data is \(refusal)")
        } catch {
            return refuse("data is not valid JSON")
        }
        return .success(Checked(event: event, at: at, payload: nil, text: probe.text))
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

    static func checkBusiness(_ checked: Checked, policy: ValidationPolicy, now: Date) -> String? {
        let event = checked.event
        guard event.originDaemon.hasPrefix("d_"), event.originDaemon.count > 2 else {
            return "origin_daemon is not set"
        }
        if checked.at.timeIntervalSince(now) > policy.maxFutureSkewSeconds {
            return "timestamp \(event.timestamp) is more than \(Int(policy.maxFutureSkewSeconds / 3600)) h in the future"
        }
        switch event.knownType {
        case .messageCreate?, .threadReply?, .messageEdit?:
            if let text = checked.text, text.utf8.count > policy.maxMessageSize {
                return "message text is \(text.utf8.count) bytes, over the limit of \(policy.maxMessageSize) (THRUM_SECURITY_MAX_MESSAGE_SIZE)"
            }
        default:
            break
        }
        switch checked.payload {
        case let .claimMade(claim)?: return claim.problem
        case let .claimRenewed(renewal)?: return ClaimMade.ttlProblem(renewal.ttl)
        default: return nil
        }
    }

    // MARK: Helpers

    private struct IDOnly: Decodable {
        var eventID: String?
        enum CodingKeys: String, CodingKey { case eventID = "event_id" }
    }

    /// Any JSON document, and its `text` when it is an object with a string `text`.
    struct DataProbe: Decodable {
        var text: String?

        private enum Key: String, CodingKey { case text }

        init(from decoder: any Decoder) throws {
            text = try? decoder.container(keyedBy: Key.self).decodeIfPresent(String.self, forKey: .text)
        }
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
