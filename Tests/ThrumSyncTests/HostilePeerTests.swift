import ThrumTestSupport
import Logging
import Testing
import ThrumCore
import ThrumRPC
import ThrumStore
@testable import ThrumSync

/// A sync client reading what a hostile peer answers: it must neither crash
/// nor buffer more than a server may send, and must keep what it stored.
@Suite struct HostilePeerTests {
    /// A peer that proves its key, then answers `sync.pull` with `page` as its result.
    struct HostilePeer: RPCService {
        static let identity = DaemonIdentity(keyPair: .generate())
        let page: JSONValue

        func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
            switch request.method {
            case SyncMethod.peerInfo.rawValue:
                let identity = Self.identity
                let challenge = (try? request.params(PeerInfoParams.self))?.challenge
                return .result(PeerInfo(daemonID: identity.daemonID, hostname: "h", publicKey: identity.publicKeyBase64,
                                        fingerprint: identity.fingerprint, version: "0", latestSeq: 1,
                                        challengeSignature: challenge.map { PeerProof.sign(challenge: $0, as: identity) }))
            default:
                return .result(page)
            }
        }
    }

    func pull(answering page: JSONValue) async throws -> (PullOutcome, EventStore, TemporaryFolder) {
        let folder = try TemporaryFolder()
        let store = try EventStore(path: folder.path + "/thrum.db")
        let server = try await LineRPCServer.bind(on: .tcp(host: "127.0.0.1", port: 0, device: nil),
                                                  service: HostilePeer(page: page), logger: Logger(label: "test"))
        let serving = Running { try await server.run() }
        let port = try #require(server.localAddress?.port)
        let threads = try StoreThreads(store: store)
        let report = await SyncClient(store: threads, localDaemon: "d_local").pull(from: .tcp(host: "127.0.0.1", port: port), peerID: HostilePeer.identity.daemonID)
        await serving.stop()
        await threads.shutdown()
        // The daemon's connections are closed with its threads; the test reads the file afresh.
        return (report, try EventStore(path: folder.path + "/thrum.db"), folder)
    }

    /// `depth` arrays around a 1. (JSONEncoder itself refuses 513 levels, so the
    /// peer here sends 100; JSONSyntaxTests covers 513 and more.)
    static func nested(_ depth: Int) -> JSONValue {
        (0..<depth).reduce(JSONValue.int(1)) { inner, _ in .array([inner]) }
    }

    @Test func anEventNestedTooDeepIsQuarantinedWithTheReason() async throws {
        let (report, store, folder) = try await pull(answering: .object([
            "events": .array([Self.nested(100)]), "next_seq": .int(1), "more_available": .bool(false)]))
        defer { folder.remove() }
        #expect(report.error == nil)
        #expect(report.quarantined == 1)
        #expect(try store.quarantined(peer: HostilePeer.identity.daemonID).first?.reason.contains("nested more than 64 levels") == true)
        #expect(try store.eventCount() == 0)
    }

    @Test func aPageThatClaimsANegativeLatestSeqEndsThePullOnce() async throws {
        let (report, store, folder) = try await pull(answering: .object([
            "events": .array([]), "next_seq": .int(0), "more_available": .bool(false), "latest_seq": .int(-1)]))
        defer { folder.remove() }
        #expect(report.error == nil)
        #expect(report.received == 0)
        #expect(try store.eventCount() == 0)
    }

    @Test func aPageNestedTooDeepIsRefusedAsUnreadable() async throws {
        let (report, store, folder) = try await pull(answering: Self.nested(100))
        defer { folder.remove() }
        #expect(report.error?.description.contains("unreadable answer") == true)
        #expect(try store.eventCount() == 0)
    }

    @Test func anAnswerLongerThanAServerMaySendEndsThePull() async throws {
        // The limit holds to within one socket read, so well past it.
        let huge = JSONValue.string(String(repeating: "x", count: SyncLimits.maxAnswerBytes + (1 << 20)))
        let (report, store, folder) = try await pull(answering: .object([
            "events": .array([huge]), "next_seq": .int(1), "more_available": .bool(false)]))
        defer { folder.remove() }
        #expect(report.error != nil)
        #expect(report.received == 0)
        #expect(try store.eventCount() == 0)
    }
}
