import Logging
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

/// The control socket's JSON-RPC methods (ControlMethod). Local clients only;
/// sync methods are never served here.
struct ControlService: RPCService {
    let daemon: Daemon

    func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        guard let method = ControlMethod(rawValue: request.method) else {
            return .error(.methodNotFound(request.method))
        }
        do {
            return .result(try await dispatch(method, request, peer: peer))
        } catch let error as RPCError {
            return .error(error)
        } catch let error as StoreError {
            daemon.logger.error("control: \(method.rawValue) failed in the store: \(error)", metadata: ["component": "control"])
            return .error(.internalError("the event store failed: \(error)"))
        } catch {
            daemon.logger.error("control: \(method.rawValue) failed: \(error)", metadata: ["component": "control"])
            return .error(.internalError("\(error)"))
        }
    }

    private func dispatch(_ method: ControlMethod, _ request: RPCRequest, peer: RPCPeer) async throws -> any Encodable & Sendable {
        let handlers = ControlHandlers(daemon: daemon, caller: "\(peer)")
        switch method {
        case .status: return await handlers.status()
        case .health: return await handlers.health()
        case .identity: return handlers.identity()
        case .agentRegister: return try await handlers.register(try request.params())
        case .agentList: return try await handlers.agents()
        case .agentDeregister: return try await handlers.deregister(try request.params())
        case .sessionStart: return try await handlers.startSession(try request.params())
        case .sessionEnd: return try await handlers.endSession(try request.params())
        case .sessionHeartbeat: return try await handlers.heartbeat(try request.params())
        case .messageSend: return try await handlers.send(try request.params())
        case .messageReply: return try await handlers.reply(try request.params())
        case .messageInbox: return try await handlers.inbox(try request.params())
        case .messageRead: return try await handlers.read(try request.params())
        case .messageEdit: return try await handlers.edit(try request.params())
        case .messageDelete: return try await handlers.delete(try request.params())
        case .messageWait: return try await handlers.wait(try request.params())
        case .messageAck: return try await handlers.acknowledge(try request.params())
        case .messageStatus: return try await handlers.messageStatus(try request.params())
        case .messageSent: return try await handlers.sent(try request.params())
        case .changesWait: return try await handlers.changes(try request.params())
        case .claimAdd: return try await handlers.addClaim(try request.params())
        case .claimRenew: return try await handlers.renewClaim(try request.params())
        case .claimRelease: return try await handlers.releaseClaims(try request.params())
        case .claimList: return try await handlers.listClaims(try request.params())
        case .claimCheck: return try await handlers.checkClaims(try request.params())
        case .claimWaitConfirmed: return try await handlers.waitConfirmed(try request.params())
        case .groupCreate: return try await handlers.group(.groupCreate, try request.params())
        case .groupJoin: return try await handlers.group(.groupJoin, try request.params())
        case .groupLeave: return try await handlers.group(.groupLeave, try request.params())
        case .groupList: return try await handlers.groups()
        case .tsyncForce: return try await handlers.forceSync()
        case .tsyncPeersList: return try handlers.peers()
        case .tsyncPeersAdd: return try await handlers.addPeer(try request.params())
        case .tsyncPeersRemove: return try handlers.removePeer(try request.params())
        case .quarantineList: return try await handlers.quarantine(try request.params())
        case .metrics: return handlers.metrics()
        }
    }
}
