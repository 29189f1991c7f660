import ThrumRPC
import ThrumSync

/// The bounds each listener serves within (DESIGN §7), from the configuration.
extension Daemon {
    var controlLimits: ServerLimits {
        ServerLimits(maxLineBytes: config.maxRequestSize, maxConnections: config.maxConnections, budget: requestBudget,
                     largeRequests: largeRequests, connectionRefused: refusalCounter("control"))
    }

    var syncLimits: ServerLimits {
        ServerLimits(maxLineBytes: SyncLimits.maxRequestBytes, maxConnections: config.maxConnections, budget: requestBudget,
                     largeRequests: largeRequests, connectionRefused: refusalCounter("sync"))
    }

    /// A listener past THRUM_MAX_CONNECTIONS answers 503 and closes.
    private func refusalCounter(_ listener: String) -> @Sendable () -> Void {
        { [metrics] in metrics.sync.refused(listener: listener, code: RPCError.overloadedCode, reason: "connection_cap") }
    }
}
