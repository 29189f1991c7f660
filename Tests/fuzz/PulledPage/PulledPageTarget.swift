import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import ThrumCore
import ThrumRPC
import ThrumSync

/// A `sync.pull` (or `sync.origin_events`) answer as a sync client reads it: each event in it
/// through the validation pipeline and the quarantine's id lookup, each fork proof checked,
/// and the frontier compared with itself as a daemon compares a peer's.
func target(_ line: [UInt8]) {
    for method in [SyncMethod.pull, .originEvents] {
        guard let page = try? PulledPage.read(answer: line, method: method) else { continue }
        for index in page.events.indices {
            let raw = page.event(index)
            _ = EventValidation.validate(raw: raw, policy: ValidationPolicy())
            _ = EventValidation.eventID(inRaw: raw)
        }
        for proof in page.proofs {
            if proof.problem == nil {
                precondition(ForkProof.between(proof.first, proof.second)?.sequence == proof.sequence,
                             "a proof that checks out proves another fork point")
            }
        }
        if let frontier = page.frontier {
            _ = frontier.hasNews(for: frontier)
            for origin in frontier.have.keys { _ = frontier.headSequence(of: origin) }
        }
    }
}

// A single-file executable runs its top-level code as main.
exit(FuzzMain.run(CommandLine.argc, CommandLine.unsafeArgv, target))
