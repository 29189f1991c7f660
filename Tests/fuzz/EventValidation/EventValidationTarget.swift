import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import ThrumCore

/// One event's JSON as received by sync, through the whole pipeline (schema,
/// signature, business) under both signature policies, and payload decoding.
/// A claim's patterns, whether the door took them or not, go through parsing,
/// overlap with each other and cover of each other's text: the store runs both
/// on every claim it derives.
func target(_ raw: [UInt8]) {
    for policy in [ValidationPolicy(), ValidationPolicy(requireSignatures: true, maxEventSize: 4096)] {
        if case let .success(event) = EventValidation.validate(raw: raw, policy: policy) {
            _ = PayloadJSON.decode(MessageCreated.self, from: event.data)
        }
    }
    _ = EventValidation.eventID(inRaw: raw)
    if let event = try? BoundedJSON.decode(Event.self, from: raw), let claim = PayloadJSON.decode(ClaimMade.self, from: event.data) {
        let patterns = claim.patterns.prefix(16).compactMap { try? ClaimPattern(parsing: $0) }
        for a in patterns {
            for b in patterns { _ = a.overlaps(b) }
            for text in claim.patterns.prefix(16) { _ = a.covers(text) }
        }
    }
}

// A single-file executable runs its top-level code as main.
exit(FuzzMain.run(CommandLine.argc, CommandLine.unsafeArgv, target))
