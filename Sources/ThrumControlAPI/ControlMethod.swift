/// The control socket's methods (JSON-RPC over `THRUM_SOCKET`). The CLI and the
/// MCP server are both clients of exactly these; every CLI action is one method.
public enum ControlMethod: String, Sendable, CaseIterable {
    case status
    case health
    case identity
    case agentRegister = "agent.register"
    case agentList = "agent.list"
    case agentDeregister = "agent.deregister"
    case sessionStart = "session.start"
    case sessionEnd = "session.end"
    case sessionHeartbeat = "session.heartbeat"
    case messageSend = "message.send"
    case messageReply = "message.reply"
    case messageInbox = "message.inbox"
    case messageRead = "message.read"
    case messageEdit = "message.edit"
    case messageDelete = "message.delete"
    case messageWait = "message.wait"
    case messageAck = "message.ack"
    case messageStatus = "message.status"
    case messageSent = "message.sent"
    /// The control-API subscription: the changes after a cursor (`ChangeBatch`), waiting for one.
    case changesWait = "changes.wait"
    case claimAdd = "claim.add"
    case claimRenew = "claim.renew"
    case claimRelease = "claim.release"
    case claimList = "claim.list"
    case claimCheck = "claim.check"
    case claimWaitConfirmed = "claim.wait_confirmed"
    case groupCreate = "group.create"
    case groupJoin = "group.join"
    case groupLeave = "group.leave"
    case groupList = "group.list"
    case tsyncForce = "tsync.force"
    case tsyncPeersList = "tsync.peers.list"
    case tsyncPeersAdd = "tsync.peers.add"
    case tsyncPeersRemove = "tsync.peers.remove"
    case quarantineList = "quarantine.list"
    case metrics
}
