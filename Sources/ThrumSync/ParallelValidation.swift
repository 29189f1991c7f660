import FoundationEssentials
import NIOPosix
import ThrumCore
import ThrumStore

/// Runs a page's events through the validation pipeline on every core: signature
/// verification dominates a catch-up, and each event's check is independent of the others.
/// An accepted event's topic is worked out there too, so the store's serial part only writes.
/// The chunks run on threads of their own, not on the cooperative pool: a catch-up keeps
/// every core busy for seconds, and the control socket must still answer meanwhile.
enum ParallelValidation {
    /// Below this many events a chunk is not worth the hand-off.
    static let minimumPerChunk = 64
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Several chunks per core, not one: a core held up by other work (the store applying the
    /// previous page) takes fewer chunks instead of holding up the whole page.
    static let chunksPerWorker = 8
    /// One thread per core, for the life of the process.
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: workers)
        pool.start()
        return pool
    }()

    /// The verdict for each event of `page`, in page order.
    static func validate(_ page: PulledPage, with validator: any EventValidator) async -> [Result<PreparedEvent, ValidationFailure>] {
        @Sendable func check(_ index: Int) -> Result<PreparedEvent, ValidationFailure> {
            validator.validate(raw: page.event(index)).map { PreparedEvent($0) }
        }
        let count = page.events.count
        let chunks = min(Self.workers * Self.chunksPerWorker, count / Self.minimumPerChunk)
        guard Self.workers > 1, chunks > 1 else { return page.events.indices.map(check) }
        let chunk = (count + chunks - 1) / chunks
        return await withTaskGroup(of: (Int, [Result<PreparedEvent, ValidationFailure>]).self) { group in
            for start in stride(from: 0, to: count, by: chunk) {
                group.addTask {
                    let range = start..<min(start + chunk, count)
                    let verdicts = try? await Self.threads.runIfActive { range.map(check) }
                    return (start, verdicts ?? range.map(check))
                }
            }
            var parts: [(Int, [Result<PreparedEvent, ValidationFailure>])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
