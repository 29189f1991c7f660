import FoundationEssentials
import Testing
import ThrumCore
import ThrumSystem

/// The validation pipeline of DESIGN §7 on events as a peer would send them.
@Suite struct EventValidationTests {
    let origin = DaemonIdentity(keyPair: .generate())
    let policy = ValidationPolicy(requireSignatures: true, maxEventSize: 4096, maxMessageSize: 1000)

    func message(_ text: String = "hello", timestamp: String = Timestamp.now()) -> Event {
        origin.makeEvent(type: .messageCreate,
                         data: PayloadJSON.encode(MessageCreated(messageID: "msg_1", from: "alice", to: "@bob", text: text,
                                                                 threadID: nil, replyTo: nil)),
                         sequence: 1, timestamp: timestamp)
    }

    func json(_ event: Event) throws -> [UInt8] { Array(try JSONEncoder().encode(event)) }

    func failure(_ raw: [UInt8], policy: ValidationPolicy? = nil) -> ValidationFailure? {
        if case let .failure(failure) = EventValidation.validate(raw: raw, policy: policy ?? self.policy) { return failure }
        return nil
    }

    func failure(_ event: Event, policy: ValidationPolicy? = nil) throws -> ValidationFailure? {
        failure(try json(event), policy: policy)
    }

    @Test func aSignedEventPassesAndComesBackWhole() throws {
        let event = message()
        #expect(try EventValidation.validate(raw: json(event), policy: policy).get() == event)
    }

    @Test(arguments: [0, -1, (Int64(1) << 53) + 1, Int64.max] as [Int64])
    func aSequenceOutside1To2Pow53IsRefusedEvenWhenSigned(_ sequence: Int64) throws {
        let event = origin.makeEvent(type: .messageCreate, data: "{}", sequence: sequence)
        let refused = try failure(event)
        #expect(refused?.stage == .schema)
        #expect(refused?.reason == "sequence must be between 1 and 2^53 (got \(sequence))")
        #expect(try failure(origin.makeEvent(type: .messageCreate, data: "{}", sequence: 1 << 53)) == nil)
    }

    @Test func anEventAWeekOldIsAcceptedForCatchUp() throws {
        let weekAgo = Timestamp.format(Date().addingTimeInterval(-7 * 24 * 3600))
        #expect(try failure(message(timestamp: weekAgo)) == nil)
    }

    @Test func aTimestampMoreThanADayAheadIsRefusedAtBusiness() throws {
        let ahead = Timestamp.format(Date().addingTimeInterval(25 * 3600))
        let refused = try failure(message(timestamp: ahead))
        #expect(refused?.stage == .business)
        #expect(refused?.reason.contains("in the future") == true)
        let slightlyAhead = Timestamp.format(Date().addingTimeInterval(23 * 3600))
        #expect(try failure(message(timestamp: slightlyAhead)) == nil)
    }

    @Test func aForgedSignatureIsRefusedAtSignature() throws {
        var event = message()
        event.signature = Data(Ed25519KeyPair.generate().sign(event.signingPayload)).base64EncodedString()
        #expect(try failure(event) == ValidationFailure(stage: .signature, reason: "signature verification failed"))
    }

    @Test func dataChangedAfterSigningIsRefusedAtSignature() throws {
        var event = message()
        event.data = event.data.replacing("hello", with: "HELLO")
        #expect(try failure(event)?.stage == .signature)
    }

    @Test func anOriginThatIsNotTheKeysIsRefusedAtSignature() throws {
        var event = message()
        event.originDaemon = DaemonIdentity(keyPair: .generate()).daemonID
        let refused = try failure(event)
        #expect(refused?.stage == .signature)
        #expect(refused?.reason.contains("does not match origin_key") == true)
    }

    @Test func unsignedEventsPassOnlyWhileSignaturesAreNotRequired() throws {
        var event = message()
        event.signature = nil
        let refused = try failure(event)
        #expect(refused?.stage == .signature)
        #expect(refused?.reason.contains("THRUM_SECURITY_REQUIRE_SIGNATURES") == true)
        var lenient = policy
        lenient.requireSignatures = false
        #expect(try failure(event, policy: lenient) == nil)
        event.originDaemon = DaemonIdentity(keyPair: .generate()).daemonID
        #expect(try failure(event, policy: lenient)?.stage == .signature, "an unsigned event still may not lie about its key")
    }

    @Test func anUnknownTypeIsRefusedAtSchema() throws {
        let event = origin.makeEvent(type: .messageCreate, data: "{}", sequence: 1)
        let raw = String(decoding: try json(event), as: UTF8.self).replacing("message.create", with: "message.explode")
        let refused = failure(Array(raw.utf8))
        #expect(refused?.stage == .schema)
        #expect(refused?.reason.contains("unknown event type \"message.explode\"") == true)
    }

    @Test func anEventOverTheSizeLimitIsRefusedAtSchemaBeforeAnythingElse() throws {
        var event = message(String(repeating: "x", count: 5000))
        event.signature = "not even base64"
        let refused = try failure(event)
        #expect(refused?.stage == .schema)
        #expect(refused?.reason.contains("THRUM_SECURITY_MAX_EVENT_SIZE") == true)
    }

    @Test func aMessageTextOverItsLimitIsRefusedAtBusiness() throws {
        let refused = try failure(message(String(repeating: "x", count: 1001)))
        #expect(refused?.stage == .business)
        #expect(refused?.reason.contains("THRUM_SECURITY_MAX_MESSAGE_SIZE") == true)
        #expect(try failure(message(String(repeating: "x", count: 1000))) == nil)
    }

    @Test func missingFieldsWrongTypesAndBadDataAreRefusedAtSchema() throws {
        let good = String(decoding: try json(message()), as: UTF8.self)
        let cases: [(String, String)] = [
            (good.replacing("\"origin_key\"", with: "\"origin_kee\""), "missing required field \"origin_key\""),
            (good.replacing("\"sequence\":1", with: "\"sequence\":\"1\""), "field \"sequence\" has the wrong type"),
            ("[1,2]", "not a JSON object"),
            ("{not json", "not valid JSON"),
        ]
        for (raw, expected) in cases {
            let refused = failure(Array(raw.utf8))
            #expect(refused?.stage == .schema, "\(raw)")
            #expect(refused?.reason.contains(expected) == true, "\(refused?.reason ?? "accepted") for \(raw)")
        }
        let notJSONData = origin.makeEvent(type: .messageCreate, data: "{\"text\": ", sequence: 1)
        #expect(try failure(notJSONData) == ValidationFailure(stage: .schema, reason: "data is not valid JSON"))
        let badTime = origin.makeEvent(type: .messageCreate, data: "{}", sequence: 1, timestamp: "yesterday")
        #expect(try failure(badTime)?.reason.contains("RFC 3339") == true)
    }

    @Test func theIDOfARefusedEventIsReadWhenPresent() {
        #expect(EventValidation.eventID(inRaw: Array(#"{"event_id":"evt_X","type":3}"#.utf8)) == "evt_X")
        #expect(EventValidation.eventID(inRaw: Array("garbage".utf8)) == nil)
    }
}
