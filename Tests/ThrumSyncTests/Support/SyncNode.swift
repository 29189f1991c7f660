import ThrumTestSupport
import FoundationEssentials
import Logging
import NIOCore
import Synchronization
import ThrumCore
import ThrumRPC
import ThrumStore
import ThrumSystem
@testable import ThrumSync

/// One in-process daemon for sync tests: a real SQLite store in its own temp
/// folder, a peer registry, a SyncManager and its sync server on 127.0.0.1.
final class SyncNode: Sendable {
    let folder: TemporaryFolder
    let identity: DaemonIdentity
    /// The writer connection, for the test to read and write directly.
    let store: EventStore
    /// The store as the daemon runs it, on its own threads.
    let threads: StoreThreads
    let registry: PeerRegistry
    let manager: SyncManager
    let server: LineRPCServer
    /// The sync server's accept loop, until `stop()`.
    let serving: Running
    let logs: CapturedLogs
    /// Every event the manager reported as applied.
    let appliedEvents = Mutex<[StoredEvent]>([])

    var daemonID: String { identity.daemonID }
    var port: Int { server.localAddress?.port ?? 0 }
    var address: String { "127.0.0.1:\(port)" }

    private init(folder: TemporaryFolder, identity: DaemonIdentity, threads: StoreThreads, registry: PeerRegistry,
                 manager: SyncManager, server: LineRPCServer, logs: CapturedLogs) {
        self.folder = folder; self.identity = identity; self.threads = threads; self.store = threads.writer
        self.registry = registry
        self.manager = manager; self.server = server; self.logs = logs
        serving = Running { try await server.run() }
    }

    static func start(options: SyncManager.Options = SyncManager.Options(), gate: SyncGate = .allowAll,
                      byteBudget: Int = SyncServer.defaultByteBudget) async throws -> SyncNode {
        let folder = try TemporaryFolder()
        var config = ThrumConfig()
        config.tailscaleEnabled = true
        config.stateDirectory = folder.path
        config.tailscaleHostname = "node-\(folder.path.suffix(6))"
        let identity = DaemonIdentity(keyPair: Ed25519KeyPair.generate())
        let threads = try StoreThreads(store: try EventStore(path: config.databasePath))
        let registry = PeerRegistry(path: config.peersPath)
        let logs = CapturedLogs()
        let box = AppliedBox()
        let manager = SyncManager(config: config, identity: identity, store: threads, registry: registry,
                                  logger: logs.logger(), options: options) { events in box.append(events) }
        let server = try await LineRPCServer.bind(on: .tcp(host: "127.0.0.1", port: 0, device: nil),
                                                  service: manager.makeSyncServer(gate: gate, byteBudget: byteBudget),
                                                  logger: logs.logger())
        let node = SyncNode(folder: folder, identity: identity, threads: threads, registry: registry, manager: manager,
                            server: server, logs: logs)
        box.node.withLock { $0.node = node }
        return node
    }

    /// Appends `count` signed message events, as a local write would.
    @discardableResult
    func write(_ count: Int, text: String = "hello") throws -> [StoredEvent] {
        try (0..<count).map { _ in
            try store.appendLocal(originDaemon: identity.daemonID) { link in
                identity.makeEvent(type: .messageCreate, data: Self.messageJSON(text), link: link)
            }
        }
    }

    /// Appends an event whose content was changed after signing, as a forger would.
    @discardableResult
    func writeForged() throws -> StoredEvent {
        try store.appendLocal(originDaemon: identity.daemonID) { link in
            var event = identity.makeEvent(type: .messageCreate, data: Self.messageJSON("original"), link: link)
            event.data = Self.messageJSON("rewritten by a relay")
            return event
        }
    }

    static func messageJSON(_ text: String) -> String {
        let payload = MessageCreated(messageID: EventIDs.next(prefix: "msg_"), from: "alice", to: "@bob", text: text,
                                     threadID: nil, replyTo: nil)
        return (try? JSONEncoder().encode(payload)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Every event in the log, in log order.
    func allEvents() throws -> [Event] {
        try store.events(afterSeq: 0, limit: 1_000_000, maxBytes: Int.max).events.map(\.event)
    }

    func stop() async {
        await manager.shutdown()
        await serving.stop()
        await threads.shutdown()
        folder.remove()
    }
}

/// Lets the onApplied closure, made before the node exists, reach it. Weak:
/// the node holds the manager, which holds the closure, which holds this box.
private final class AppliedBox: Sendable {
    struct Weak { weak var node: SyncNode? }
    let node = Mutex(Weak())
    func append(_ events: [StoredEvent]) {
        node.withLock { $0.node?.appliedEvents.withLock { $0.append(contentsOf: events) } }
    }
}

/// A one-shot gate tests open by hand; `wait` suspends until then.
final class Latch: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A stand-in peer on loopback that answers `sync.*` the way a test needs,
/// counting what it receives.
final class FakePeer: RPCService {
    let counts = Mutex<[String: Int]>([:])
    let answer: @Sendable (RPCRequest) async -> RPCReply
    private let serving = Mutex<Running?>(nil)

    init(answer: @escaping @Sendable (RPCRequest) async -> RPCReply) {
        self.answer = answer
    }

    func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        counts.withLock { $0[request.method, default: 0] += 1 }
        return await answer(request)
    }

    func count(_ method: String) -> Int { counts.withLock { $0[method] ?? 0 } }

    func start() async throws -> Int {
        let server = try await LineRPCServer.bind(on: .tcp(host: "127.0.0.1", port: 0, device: nil), service: self,
                                                  logger: Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() }))
        serving.withLock { $0 = Running { try await server.run() } }
        return server.localAddress?.port ?? 0
    }

    func stop() async {
        await serving.withLock { $0 }?.stop()
    }
}

extension PeerRecord {
    /// A registry entry for a stand-in peer that is never asked who it is.
    static func fake(daemonID: String, port: Int) -> PeerRecord {
        PeerRecord(daemonID: daemonID, hostname: "fake", address: "127.0.0.1:\(port)", tailscaleIP: nil,
                   publicKey: "", fingerprint: "", source: .manual, addedAt: Timestamp.now())
    }
}

/// The nodes and stand-in peers a test started, stopped (and their folders
/// removed) when the test ends, whether it passed or threw.
final class TestNodes: Sendable {
    private let nodes = Mutex<[SyncNode]>([])
    private let fakes = Mutex<[FakePeer]>([])
    private let reservedPorts = Mutex<[ReservedPort]>([])

    func start(options: SyncManager.Options = SyncManager.Options(), gate: SyncGate = .allowAll,
               byteBudget: Int = SyncServer.defaultByteBudget) async throws -> SyncNode {
        let node = try await SyncNode.start(options: options, gate: gate, byteBudget: byteBudget)
        nodes.withLock { $0.append(node) }
        return node
    }

    /// Starts `fake` on loopback and returns its port.
    func start(_ fake: FakePeer) async throws -> Int {
        fakes.withLock { $0.append(fake) }
        return try await fake.start()
    }

    /// A loopback port bound but never listened on, held until the test ends:
    /// connecting is refused, and no other test running beside this one can
    /// be handed the same port in the meantime.
    func closedPort() throws -> Int {
        let reserved = try ReservedPort()
        reservedPorts.withLock { $0.append(reserved) }
        return reserved.port
    }

    func stopAll() async {
        for node in nodes.withLock({ $0 }) { await node.stop() }
        for fake in fakes.withLock({ $0 }) { await fake.stop() }
    }
}

/// Runs `body` with a fresh `TestNodes` and stops them all afterwards.
func withNodes(_ body: (TestNodes) async throws -> Void) async throws {
    let nodes = TestNodes()
    do {
        try await body(nodes)
    } catch {
        await nodes.stopAll()
        throw error
    }
    await nodes.stopAll()
}
