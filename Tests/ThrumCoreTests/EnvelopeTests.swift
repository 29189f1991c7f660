import FoundationEssentials
import Testing
import ThrumCore
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

@Suite struct EnvelopeTests {
    let identity = DaemonIdentity(keyPair: .generate())

    func sample(data: String = #"{"text":"hi"}"#) -> Event {
        identity.makeEvent(type: .messageCreate, data: data, sequence: 7,
                           eventID: "evt_01J0000000000000000000000", timestamp: "2026-11-24T15:30:00.123Z")
    }

    @Test func signingPayloadIsExactlyTheDesignedString() {
        let event = sample()
        // SHA-256 of the data as computed independently (Python's hashlib).
        let digest = "e7b995efa755c5ff3b84d2188b58cb4ae916a59470eb3761df8a814f11763500"
        let expected = "evt_01J0000000000000000000000|message.create|2026-11-24T15:30:00.123Z|\(identity.daemonID)|7|\(digest)"
        #expect(String(decoding: event.signingPayload, as: UTF8.self) == expected)
    }

    @Test func aFreshEventVerifies() {
        #expect(sample().verifySignature() == nil)
    }

    @Test(arguments: ["data", "type", "timestamp", "sequence", "event_id"])
    func changingAnySignedFieldBreaksTheSignature(field: String) {
        var event = sample()
        switch field {
        case "data": event.data = #"{"text":"hI"}"#
        case "type": event.type = "message.edit"
        case "timestamp": event.timestamp = "2026-11-24T15:30:00.124Z"
        case "sequence": event.sequence = 8
        default: event.eventID = "evt_01J0000000000000000000001"
        }
        #expect(event.verifySignature() == .invalid)
    }

    @Test func aKeyOfAnotherDaemonIsCaught() {
        var event = sample()
        let other = DaemonIdentity(keyPair: .generate())
        event.originKey = other.publicKeyBase64
        #expect(event.verifySignature() == .originMismatch(expected: other.daemonID))
    }

    @Test func unsignedAndMalformedSignaturesAreNamed() {
        var event = sample()
        event.signature = nil
        #expect(event.verifySignature() == .unsigned)
        event.signature = "not base64!"
        #expect(event.verifySignature() == .malformedSignature)
        event.signature = Data(repeating: 1, count: 10).base64EncodedString()
        #expect(event.verifySignature() == .malformedSignature)
        event.originKey = "AAAA"
        #expect(event.verifySignature() == .malformedKey)
    }

    @Test func daemonIDIsDerivedFromTheKey() {
        #expect(identity.daemonID == DaemonID.derive(publicKey: identity.keyPair.publicKey))
        #expect(identity.daemonID.hasPrefix("d_"))
        #expect(identity.daemonID.count == 18)
        #expect(identity.daemonID.dropFirst(2).allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        #expect(identity.fingerprint.hasPrefix("SHA256:"))
    }

    @Test func theEnvelopeUsesTheDesignedFieldNames() throws {
        let json = try JSONSerialization(sample())
        for key in ["event_id", "type", "timestamp", "origin_daemon", "origin_key", "sequence", "data", "signature"] {
            #expect(json.contains("\"\(key)\""), "missing \(key)")
        }
        let decoded = try JSONDecoder().decode(Event.self, from: Data(json.utf8))
        #expect(decoded == sample())
    }

    func JSONSerialization(_ event: Event) throws -> String {
        String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
    }
}

@Suite struct ULIDTests {
    @Test func idsAreUniqueAndStrictlyOrderedWithinOneMillisecond() {
        let generator = ULIDGenerator(clock: { 1_764_000_000_000 })
        let ids = (0..<10_000).map { _ in generator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { $0.count == 26 })
        #expect(Set(ids.map { $0.prefix(10) }).count == 1, "same millisecond, same time prefix")
    }

    @Test func laterMillisecondsSortLater() {
        let times = Mutex64(1_000)
        let generator = ULIDGenerator(clock: { times.next() })
        let ids = (0..<100).map { _ in generator.next() }
        #expect(ids == ids.sorted())
    }

    @Test func aClockSteppingBackStillGivesIncreasingIDs() {
        let times = Mutex64(5_000, step: -1)
        let generator = ULIDGenerator(clock: { times.next() })
        let ids = (0..<100).map { _ in generator.next() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 100)
    }
}

/// A tiny thread-safe counter used as a fake clock.
final class Mutex64: @unchecked Sendable {
    private var value: UInt64
    private let step: Int64
    private let lock = NSLockLike()
    init(_ start: UInt64, step: Int64 = 1) { value = start; self.step = step }
    func next() -> UInt64 {
        lock.locked {
            defer { value = UInt64(Int64(value) + step) }
            return value
        }
    }
}

final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
