import FoundationEssentials
import Logging
import Synchronization
import ThrumCore
import ThrumRPC

/// A sync peer run by the test itself, serving a log of hand-made events (any
/// JSON at all, forged or broken) through the real sync protocol, so a daemon
/// under test pulls exactly what an attacker or a buggy peer would send.
final class CraftedPeer: Sendable {
    let identity = DaemonIdentity(keyPair: .generate())
    private let log = Mutex<[JSONValue]>([])
    private let served = Mutex(0)
    private let serverBox = Mutex<LineRPCServer?>(nil)

    var port: Int { serverBox.withLock { $0?.localAddress?.port } ?? 0 }
    var address: String { "127.0.0.1:\(port)" }
    /// Events handed out by `sync.pull` so far.
    var eventsServed: Int { served.withLock { $0 } }

    func start() async throws {
        let server = try await LineRPCServer.start(on: .tcp(host: "127.0.0.1", port: 0, device: nil), service: Service(peer: self),
                                                   logger: Logger(label: "crafted-peer", factory: { _ in SwiftLogNoOpLogHandler() }))
        serverBox.withLock { $0 = server }
    }

    func stop() async {
        await serverBox.withLock { $0 }?.shutdown(grace: .seconds(1))
    }

    /// Appends events as they are (each one is one `seq`).
    func append(_ events: [Event]) throws {
        let values = try events.map { try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode($0)) }
        log.withLock { $0.append(contentsOf: values) }
    }

    /// Appends any JSON as one event.
    func append(raw: JSONValue) {
        log.withLock { $0.append(raw) }
    }

    /// A signed event of this peer, with `change` applied before signing.
    func signed(_ type: String, _ data: String, sequence: Int64, timestamp: String = Timestamp.now(),
                by signer: DaemonIdentity? = nil, _ change: (inout Event) -> Void = { _ in }) -> Event {
        let signer = signer ?? identity
        var event = Event(eventID: EventIDs.next(prefix: "evt_"), type: type, timestamp: timestamp,
                          originDaemon: signer.daemonID, originKey: signer.publicKeyBase64, sequence: sequence,
                          data: data, signature: nil)
        change(&event)
        event.signature = Data(signer.keyPair.sign(event.signingPayload)).base64EncodedString()
        return event
    }

    private struct Service: RPCService {
        let peer: CraftedPeer

        struct Pull: Decodable {
            var afterSeq: Int
            var limit: Int?
            enum CodingKeys: String, CodingKey { case afterSeq = "after_seq", limit }
        }

        func handle(_ request: RPCRequest, from _: RPCPeer) async -> RPCReply {
            switch request.method {
            case "sync.peer_info":
                let latest = peer.log.withLock { $0.count }
                return .result(JSONValue.object([
                    "daemon_id": .string(peer.identity.daemonID), "hostname": .string("crafted"),
                    "public_key": .string(peer.identity.publicKeyBase64), "fingerprint": .string(peer.identity.fingerprint),
                    "version": .string("test"), "latest_seq": .int(Int64(latest)),
                ]))
            case "sync.pull":
                guard let params = try? request.params(Pull.self) else { return .error(.invalidParams("after_seq")) }
                let (page, total) = peer.log.withLock { log in
                    let start = min(max(params.afterSeq, 0), log.count)
                    let end = min(start + (params.limit ?? 1000), log.count)
                    return (Array(log[start..<end]), log.count)
                }
                peer.served.withLock { $0 += page.count }
                let next = params.afterSeq + page.count
                return .result(JSONValue.object([
                    "events": .array(page), "next_seq": .int(Int64(next)), "more_available": .bool(next < total),
                ]))
            case "sync.notify":
                return .result(JSONValue.object(["status": .string("ok")]))
            default:
                return .error(.methodNotFound(request.method))
            }
        }
    }
}
