import ThrumRPC
import ThrumSync

/// The bounds each listener serves within (DESIGN §7), from the configuration.
extension Daemon {
    var controlLimits: ServerLimits {
        ServerLimits(maxLineBytes: config.maxRequestSize, maxConnections: config.maxConnections, budget: requestBudget,
                     largeRequests: largeRequests)
    }

    var syncLimits: ServerLimits {
        ServerLimits(maxLineBytes: SyncLimits.maxRequestBytes, maxConnections: config.maxConnections, budget: requestBudget,
                     largeRequests: largeRequests)
    }
}
