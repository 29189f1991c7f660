import FoundationEssentials
import Logging
import ThrumCore
import ThrumStore

/// Removes expired events (THRUM_RETENTION) from the log and the projections: at start,
/// then every `interval`. Each batch is one short transaction on the store's writer thread,
/// queued behind whatever writes are already waiting, so a writer waits at most one batch.
struct RetentionPass {
    /// Events removed per transaction: a writer waits at most about this many deletes.
    static let batchSize = 250

    let store: StoreThreads
    let retention: Retention
    let logger: Logger

    /// How often a pass runs: a tenth of the window, between 1 second and 10 minutes.
    var interval: Duration {
        .milliseconds(min(max(retention.windowMS / 10, 1000), 600_000))
    }

    /// Runs passes until cancelled.
    func run() async {
        while !Task.isCancelled {
            do {
                try await pass()
            } catch is CancellationError {
                return
            } catch {
                logger.error("[retention] removing expired events failed: \(error); the next pass tries again in \(interval)",
                              metadata: ["component": "retention"])
            }
            guard (try? await Task.sleep(for: interval)) != nil else { return }
        }
    }

    /// Removes every event expired now, batch after batch. Returns how many it removed.
    @discardableResult
    func pass() async throws -> Int {
        let cutoff = retention.cutoffMS()
        let started = ContinuousClock.now
        var removed = 0
        while true {
            try Task.checkCancellation()
            let batch = try await store.write { try $0.removeExpired(before: cutoff, limit: Self.batchSize) }
            removed += batch
            if batch < Self.batchSize { break }
        }
        if removed > 0 {
            let cutoffText = Timestamp.format(Date(timeIntervalSince1970: Double(cutoff) / 1000))
            logger.info("[retention] removed \(removed) events older than \(cutoffText) in \(ContinuousClock.now - started)",
                        metadata: ["component": "retention", "removed": "\(removed)"])
        }
        return removed
    }
}
