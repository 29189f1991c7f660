import Logging
import ServiceLifecycle
import ThrumStore

/// A component that works until it is cancelled (a listener's accept loop, the
/// periodic sync, retention passes) as a lifecycle service: it is cancelled when
/// its turn to shut down comes, and the group waits for it to return.
struct ComponentService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    init(_ description: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.description = description
        self.body = body
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown(body)
    }
}

/// The store as a lifecycle service: open from before the group starts, closed
/// when its turn comes, which is last, after everything that writes to it.
struct StoreService: Service, CustomStringConvertible {
    let store: StoreThreads
    let logger: Logger
    var description: String { "store" }

    func run() async {
        // Returns at the graceful shutdown, or throws when the group is cancelled: closes either way.
        try? await gracefulShutdown()
        await store.shutdown()
        logger.info("stopped", metadata: ["component": "control"])
    }
}
