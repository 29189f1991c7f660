import Logging
import ThrumStore

/// Says in the log what a pulled batch did to agent ownership: each event that has no effect
/// because its origin lacks authority (`[conflict]`), and each agent registered on this daemon
/// that another daemon turned out to own, so the operator of the losing side is told.
struct ConflictReport {
    let store: StoreThreads
    let localDaemon: String
    let logger: Logger

    func log(_ result: BatchApplied, from peerID: String) async {
        var logger = logger
        logger[metadataKey: "component"] = "conflict"
        // Agent names and IDs come from peers' events: made printable before they reach a log line.
        let shown = SyncManager.displayable
        for conflict in result.conflicts {
            logger.warning("[conflict] event \(shown(conflict.eventID)) (\(shown(conflict.type))) from \(conflict.originDaemon), received from \(peerID), has no effect: \(shown(conflict.reason))",
                           metadata: ["peer": "\(peerID)", "event_id": "\(shown(conflict.eventID))"])
        }
        guard !result.ownershipChanged.isEmpty,
              let lost = try? await store.read({ [localDaemon] in try $0.agentsLost(by: localDaemon) }) else { return }
        for agent in lost where result.ownershipChanged.contains(agent.name) {
            logger.error("[conflict] agent \(shown(agent.name)) was registered on this daemon, but \(agent.originDaemon)\(agent.host.map { " on \(shown($0))" } ?? "") registered it first (at \(agent.registeredAt)) and owns it: what this daemon writes as \(shown(agent.name)) has no effect. Register the agent under another name here (thrum agent register NAME)",
                         metadata: ["peer": "\(peerID)"])
        }
    }
}
