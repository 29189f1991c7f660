import FoundationEssentials
import Logging
import ThrumCore

extension SyncManager {
    /// Runs the periodic fallback until the calling task is cancelled, then shuts
    /// the manager down (swift-service-lifecycle style: the daemon's service
    /// wrapper calls this from its `run()`). The first pass runs at once, so a
    /// restarted daemon catches up without waiting a whole interval.
    public func run() async {
        var logger = logger
        logger[metadataKey: "component"] = "periodic_sync"
        let interval = config.syncInterval
        let threshold = config.syncRecentThreshold
        logger.info("periodic_sync: starting with interval=\(GoDuration.format(seconds: interval)), recent_threshold=\(GoDuration.format(seconds: threshold))")
        while !Task.isCancelled, !isClosed {
            await pullStalePeers(olderThan: threshold, logger: logger)
            dropExpiredPeers(logger: logger)
            do {
                try await Task.sleep(for: .seconds(max(interval, 0.001)))
            } catch {
                break
            }
        }
        await shutdown()
    }

    /// Pulls, concurrently, from every peer not synced within `threshold` seconds
    /// and not backing off. A peer that does not answer holds up only its own pull.
    func pullStalePeers(olderThan threshold: Double, logger: Logger) async {
        let now = Date()
        let stale = peersToContact().filter { peer in
            guard let last = peer.lastSync.flatMap(Timestamp.parse) else { return true }
            return now.timeIntervalSince(last) >= threshold
        }
        await withTaskGroup(of: Void.self) { group in
            for peer in stale {
                group.addTask {
                    let outcome = await self.pull(from: peer)
                    var logger = logger
                    logger[metadataKey: "peer"] = "\(peer.daemonID)"
                    if let error = outcome.error {
                        // Warned about once, when it became unreachable (SyncManager+Backoff.swift).
                        logger.debug("periodic_sync: sync from \(peer.daemonID) failed: \(error)")
                    } else if outcome.applied > 0 || outcome.quarantined > 0 {
                        logger.info("periodic_sync: synced from \(peer.daemonID) — applied=\(outcome.applied) skipped=\(outcome.skipped) quarantined=\(outcome.quarantined)")
                    } else {
                        logger.debug("periodic_sync: \(peer.daemonID) had nothing new")
                    }
                }
            }
        }
    }
}
