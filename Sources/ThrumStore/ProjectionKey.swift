import ThrumCore

/// One row of a projection table. Each is re-derived as a whole from the events that bear
/// on it (`Projector`), never patched by one event, so its value depends on the set of
/// events in the log and not on the order they arrived in.
enum ProjectionKey: Hashable {
    /// An agent, by address.
    case agent(String)
    case message(String)
    case session(String)
    case group(String)
    case membership(group: String, agent: String)
    /// The messages of the log before scoped agents that were sent to `@NAME`: who they reach
    /// depends on the legacy registrations of NAME (`LegacyRecipients`).
    case legacyRecipient(name: String)
    /// A claim, by its scoped ID (`Claims`).
    case claim(String)

    /// The rows an event of `type` about `subject`, acting as the address `actor`, bears on.
    /// `legacyName` is the bare name of an `agent.*` payload written before scoped agents.
    static func keys(type: EventType, subject: String, actor: String, legacyName: String? = nil) -> [ProjectionKey] {
        switch type {
        case .agentRegister, .agentDeregister: return [.agent(subject)] + (legacyName.map { [.legacyRecipient(name: $0)] } ?? [])
        case .messageCreate, .threadReply, .messageEdit, .messageDelete: return [.message(subject)]
        case .sessionStart, .sessionEnd, .sessionHeartbeat: return [.session(subject)]
        case .groupCreate: return [.group(subject), .membership(group: subject, agent: actor)]
        case .groupJoin, .groupLeave: return [.membership(group: subject, agent: actor)]
        // Logged and relayed, but no projection shows them (schema 4 dropped the unread tables).
        case .subscribe, .unsubscribe, .threadCreate: return []
        // A receipt bears on the messages it names, which its payload lists (`Delivery.keys`).
        case .messageReceipt: return []
        case .claimCreate, .claimRenew, .claimRelease: return Claims.keys(type: type, subject: subject)
        }
    }
}
