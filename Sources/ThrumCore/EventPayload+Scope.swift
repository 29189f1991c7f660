extension EventPayload {
    /// The agent the event acts as, as its payload names it (a full address, or a legacy bare name).
    public var actingAgent: String { topic.actor }

    /// The message or session ID the payload names, for the types whose IDs belong to a daemon.
    public var ownedID: String? {
        switch self {
        case let .session(p): return p.sessionID
        case let .messageCreated(p): return p.messageID
        case let .messageEdited(p): return p.messageID
        case let .messageDeleted(p): return p.messageID
        case let .claimMade(p): return p.claimID
        case let .claimRenewed(p): return p.claimID
        case let .claimReleased(p): return p.claimID
        default: return nil
        }
    }

    /// `topic` with everything that belongs to a daemon scoped to `origin`: the actor as a full
    /// address, a message or session ID in its scoped form (`ScopedID`). Group names, topics and
    /// thread IDs are global labels and stay as they are.
    public func scopedTopic(origin: String) -> (subject: String, actor: String) {
        let actor = AgentAddress(payloadAgent: actingAgent, origin: origin).description
        switch self {
        case .agentRegistered, .agentDeregistered, .receipt: return (actor, actor)
        case .group, .subscription, .threadCreated: return (topic.subject, actor)
        case .session, .messageCreated, .messageEdited, .messageDeleted, .claimMade, .claimRenewed, .claimReleased:
            return (ScopedID.scoped(topic.subject, origin: origin), actor)
        }
    }

    /// Why an event from `origin` may not carry this payload: it acts as an agent of another
    /// daemon, or names a message or session ID that another daemon made. Only an agent's own
    /// daemon acts as it, and only a daemon makes IDs in its own name (DESIGN §5); nil when
    /// the payload is `origin`'s to write.
    public func foreignClaim(origin: String) -> String? {
        if let address = AgentAddress(parsing: actingAgent), address.daemonID != origin {
            return "acts as agent \(address), which belongs to daemon \(address.daemonID), not to its origin \(origin)"
        }
        if let id = ownedID, let owner = ScopedID.origin(of: id), owner != origin {
            return "names \(id), an ID made by daemon \(owner), not by its origin \(origin)"
        }
        return nil
    }
}
