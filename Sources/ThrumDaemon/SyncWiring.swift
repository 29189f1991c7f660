import Logging
import ThrumCore
import ThrumStore

/// TEMPORARY until the sync manager lands.
enum SyncWiring {
    static func make(config: ThrumConfig, identity: DaemonIdentity, store: EventStore, logger: Logger,
                     messages: ChangeSignal) throws -> (any SyncControl)? {
        nil
    }
}
