import FoundationEssentials
import ThrumCore

/// Runs a page's events through the validation pipeline on every core: signature
/// verification dominates a catch-up, and each event's check is independent of the others.
enum ParallelValidation {
    /// Below this many events a page is checked on the calling task: not worth the hand-off.
    static let minimumPerWorker = 64
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The verdict for each event of `page`, in page order.
    static func validate(_ page: PulledPage, with validator: any EventValidator) async -> [Result<Event, ValidationFailure>] {
        let count = page.events.count
        let workers = min(Self.workers, count / Self.minimumPerWorker)
        guard workers > 1 else { return page.events.indices.map { validator.validate(raw: page.event($0)) } }
        let chunk = (count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [Result<Event, ValidationFailure>]).self) { group in
            for start in stride(from: 0, to: count, by: chunk) {
                group.addTask {
                    (start, (start..<min(start + chunk, count)).map { validator.validate(raw: page.event($0)) })
                }
            }
            var parts: [(Int, [Result<Event, ValidationFailure>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
