import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import ThrumCore

/// One event's JSON as received by sync, through the whole pipeline (schema,
/// signature, business) under both signature policies, and payload decoding.
func target(_ raw: [UInt8]) {
    for policy in [ValidationPolicy(), ValidationPolicy(requireSignatures: true, maxEventSize: 4096)] {
        if case let .success(event) = EventValidation.validate(raw: raw, policy: policy) {
            _ = PayloadJSON.decode(MessageCreated.self, from: event.data)
        }
    }
    _ = EventValidation.eventID(inRaw: raw)
}

// A single-file executable runs its top-level code as main.
exit(FuzzMain.run(CommandLine.argc, CommandLine.unsafeArgv, target))
