import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import ThrumCore
import ThrumRPC
import ThrumSync

/// A `sync.pull` answer as a sync client reads it, then each event in it
/// through the validation pipeline and the quarantine's id lookup.
func target(_ line: [UInt8]) {
    guard let page = try? PulledPage.read(answer: line) else { return }
    for index in page.events.indices {
        let raw = page.event(index)
        _ = EventValidation.validate(raw: raw, policy: ValidationPolicy())
        _ = EventValidation.eventID(inRaw: raw)
    }
}

// A single-file executable runs its top-level code as main.
exit(FuzzMain.run(CommandLine.argc, CommandLine.unsafeArgv, target))
