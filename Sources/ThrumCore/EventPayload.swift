/// An event's `data` decoded as its type's payload, once: validation reads the message text
/// from it, the store works out the event's topic from it, and the projection rules reuse it
/// for the events of the batch that carried it.
public enum EventPayload: Sendable, Equatable {
    case agentRegistered(AgentRegistered)
    case agentDeregistered(AgentDeregistered)
    case session(SessionChange)
    /// `message.create` and `thread.reply`.
    case messageCreated(MessageCreated)
    case messageEdited(MessageEdited)
    case messageDeleted(MessageDeleted)
    case group(GroupChange)
    case subscription(SubscriptionChange)
    case threadCreated(ThreadCreated)
    case receipt(MessageReceipt)
    case claimMade(ClaimMade)
    case claimRenewed(ClaimRenewed)
    case claimReleased(ClaimReleased)

    /// The payload of `data` for `type`, or nil when `data` is not that type's payload (the
    /// event is still valid JSON-wise; it just bears on no projection row).
    public init?(type: EventType, data: String) {
        func read<T: Decodable>(_ payload: T.Type) -> T? { PayloadJSON.decode(payload, from: data) }
        switch type {
        case .agentRegister: guard let p = read(AgentRegistered.self) else { return nil }; self = .agentRegistered(p)
        case .agentDeregister: guard let p = read(AgentDeregistered.self) else { return nil }; self = .agentDeregistered(p)
        case .sessionStart, .sessionEnd, .sessionHeartbeat:
            guard let p = read(SessionChange.self) else { return nil }; self = .session(p)
        case .messageCreate, .threadReply: guard let p = read(MessageCreated.self) else { return nil }; self = .messageCreated(p)
        case .messageEdit: guard let p = read(MessageEdited.self) else { return nil }; self = .messageEdited(p)
        case .messageDelete: guard let p = read(MessageDeleted.self) else { return nil }; self = .messageDeleted(p)
        case .groupCreate, .groupJoin, .groupLeave: guard let p = read(GroupChange.self) else { return nil }; self = .group(p)
        case .subscribe, .unsubscribe: guard let p = read(SubscriptionChange.self) else { return nil }; self = .subscription(p)
        case .threadCreate: guard let p = read(ThreadCreated.self) else { return nil }; self = .threadCreated(p)
        case .messageReceipt: guard let p = read(MessageReceipt.self) else { return nil }; self = .receipt(p)
        case .claimCreate: guard let p = read(ClaimMade.self) else { return nil }; self = .claimMade(p)
        case .claimRenew: guard let p = read(ClaimRenewed.self) else { return nil }; self = .claimRenewed(p)
        case .claimRelease: guard let p = read(ClaimReleased.self) else { return nil }; self = .claimReleased(p)
        }
    }

    /// The payload a local write builds, taken as it is instead of encoded and decoded again;
    /// nil when `value` is not the payload of `type`.
    public init?(type: EventType, value: some Sendable) {
        switch (type, value) {
        case let (.agentRegister, p as AgentRegistered): self = .agentRegistered(p)
        case let (.agentDeregister, p as AgentDeregistered): self = .agentDeregistered(p)
        case let (.sessionStart, p as SessionChange), let (.sessionEnd, p as SessionChange),
             let (.sessionHeartbeat, p as SessionChange): self = .session(p)
        case let (.messageCreate, p as MessageCreated), let (.threadReply, p as MessageCreated): self = .messageCreated(p)
        case let (.messageEdit, p as MessageEdited): self = .messageEdited(p)
        case let (.messageDelete, p as MessageDeleted): self = .messageDeleted(p)
        case let (.groupCreate, p as GroupChange), let (.groupJoin, p as GroupChange),
             let (.groupLeave, p as GroupChange): self = .group(p)
        case let (.subscribe, p as SubscriptionChange), let (.unsubscribe, p as SubscriptionChange): self = .subscription(p)
        case let (.threadCreate, p as ThreadCreated): self = .threadCreated(p)
        case let (.messageReceipt, p as MessageReceipt): self = .receipt(p)
        case let (.claimCreate, p as ClaimMade): self = .claimMade(p)
        case let (.claimRenew, p as ClaimRenewed): self = .claimRenewed(p)
        case let (.claimRelease, p as ClaimReleased): self = .claimReleased(p)
        default: return nil
        }
    }

    /// The projection row key the event bears on (agent name, message, session, group,
    /// topic or thread ID) and the agent it acts as.
    public var topic: (subject: String, actor: String) {
        switch self {
        case let .agentRegistered(p): return (p.agent, p.agent)
        case let .agentDeregistered(p): return (p.agent, p.agent)
        case let .session(p): return (p.sessionID, p.agent)
        case let .messageCreated(p): return (p.messageID, p.from)
        case let .messageEdited(p): return (p.messageID, p.agent)
        case let .messageDeleted(p): return (p.messageID, p.agent)
        case let .group(p): return (p.group, p.agent)
        case let .subscription(p): return (p.topic, p.agent)
        case let .threadCreated(p): return (p.threadID, p.agent)
        case let .receipt(p): return (p.agent, p.agent)
        case let .claimMade(p): return (p.claimID, p.agent)
        case let .claimRenewed(p): return (p.claimID, p.agent)
        case let .claimReleased(p): return (p.claimID, p.agent)
        }
    }

    /// The payload struct itself.
    public var value: any Sendable {
        switch self {
        case let .agentRegistered(p): return p
        case let .agentDeregistered(p): return p
        case let .session(p): return p
        case let .messageCreated(p): return p
        case let .messageEdited(p): return p
        case let .messageDeleted(p): return p
        case let .group(p): return p
        case let .subscription(p): return p
        case let .threadCreated(p): return p
        case let .receipt(p): return p
        case let .claimMade(p): return p
        case let .claimRenewed(p): return p
        case let .claimReleased(p): return p
        }
    }

    /// The message text a create, reply or edit carries.
    public var text: String? {
        switch self {
        case let .messageCreated(p): return p.text
        case let .messageEdited(p): return p.text
        default: return nil
        }
    }
}
