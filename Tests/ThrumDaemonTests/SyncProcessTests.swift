import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore
#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcessTests {
/// Daemons in separate processes with real SQLite files, syncing over loopback.
@Suite
struct SyncProcessTests {
    @Test func aMessagePropagatesByPushWithoutPeriodicSync() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a", interval: "1h")
        let b = try cluster.add("b", interval: "1h")
        try a.start()
        try b.start()
        try cluster.pairBothWays("a", "b")
        try a.ok(["agent", "register", "alice"])
        try b.ok(["agent", "register", "bob"])
        // Registrations travel by push: no periodic pass runs within the hour.
        try eventuallyBlocking("bob known on a") { try a.json(AgentList.self, ["agent", "list"]).agents.count == 2 }
        try eventuallyBlocking("alice known on b") { try b.json(AgentList.self, ["agent", "list"]).agents.count == 2 }

        let waiter = try b.spawn(["wait", "--timeout", "30s", "--json"], agent: "bob")
        try a.ok(["send", "--to", "@bob", "hello from machine a"], agent: "alice")
        #expect(try waiter.wait(timeout: .seconds(30)) == 0)
        let got = try JSONDecoder().decode(WaitResult.self, from: Data(waiter.stdout.utf8))
        #expect(got.message?.text == "hello from machine a")
        #expect(got.message?.from.hasPrefix("alice@d_") == true)
        #expect(got.message?.fromDisplay == "alice")
        #expect(b.process?.stderr.contains("sync.notify: synced from") == true)
    }

    @Test func withoutTailscale0TheDaemonSaysSoAndServesLocalAgents() throws {
        let d = DaemonFixture(name: "nots", environment: [
            "THRUM_TAILSCALE_ENABLED": "true", "THRUM_TAILSCALE_INTERFACE": "thrum-test-nosuch0",
        ])
        defer { d.cleanup() }
        try d.start()
        try d.ok(["agent", "register", "alice"])
        let status = try d.ok(["status"])
        #expect(status.contains("Tailscale Sync: enabled"))
        #expect(status.contains("Listening: no"))
        #expect(d.process?.stderr.contains("network interface thrum-test-nosuch0 does not exist") == true)
    }

    @Test func aCorruptPeerRegistryIsKeptAsideAndReported() throws {
        let d = DaemonFixture(name: "corrupt", environment: [
            "THRUM_TAILSCALE_ENABLED": "true", "THRUM_SYNC_LISTEN": "127.0.0.1:\(try FreePort.next())",
        ])
        defer { d.cleanup() }
        mkdir(d.stateDirectory, 0o700)
        try TestFiles.write(d.stateDirectory + "/peers.json", "{ this is not json", mode: 0o600)
        try d.start()
        let status = try d.ok(["status"])
        #expect(status.contains("Peer registry problem"))
        let kept = try TestProcess("/bin/sh", ["-c", "cat \(d.stateDirectory)/peers.json.corrupt-*"], environment: [:],
                                   outputDirectory: d.directory)
        try kept.wait()
        #expect(kept.stdout == "{ this is not json", "the corrupt file is kept aside byte for byte")
    }

    /// 1,000 writes from one client: a true burst costs a handful of notifies
    /// (ThrumSyncTests checks that in-process); here, on a busy machine, the
    /// writes may trickle over seconds, and must still cost far fewer notifies
    /// than writes.
    @Test func manyWritesCostFarFewerNotifies() async throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a"), b = try cluster.add("b")
        try a.start()
        try b.start()
        try cluster.pairBothWays("a", "b")
        try a.ok(["agent", "register", "alice"])
        try await Self.send(count: 1000, on: a, from: "alice", to: "@alice")
        let total = try cluster.health("a").eventCount
        try eventuallyBlocking("b has the burst") { try cluster.health("b").eventCount == total }
        let sent = try #require(try cluster.health("a").syncTraffic?.notifiesSent)
        #expect(sent >= 1)
        #expect(sent <= 100, "1,001 writes were announced with \(sent) notifies")
    }

    @Test func aThreeHopChainConvergesThroughTheMiddle() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        for name in ["a", "b", "c"] { try cluster.add(name).start() }
        try cluster.pairBothWays("a", "b")
        try cluster.pairBothWays("b", "c")   // a and c never talk
        let a = try cluster.node("a"), c = try cluster.node("c")
        try a.ok(["agent", "register", "alice"])
        try c.ok(["agent", "register", "carol"])
        try eventuallyBlocking("carol known on a") { try a.json(AgentList.self, ["agent", "list"]).agents.count == 2 }
        try a.ok(["send", "--to", "@carol", "relayed through b"], agent: "alice")
        try eventuallyBlocking("message reaches c") {
            try c.json(MessageList.self, ["inbox"], agent: "carol").messages.map(\.text) == ["relayed through b"]
        }
        #expect(try cluster.health("a").eventCount == cluster.health("c").eventCount)
        #expect(try a.json(PeerList.self, ["tsync", "peers", "list"]).peers.count == 1, "a only knows b")
    }

    @Test func aRestartResumesAtTheCheckpointAndTransfersNothingTwice() async throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a"), b = try cluster.add("b")
        try a.start()
        try b.start()
        try a.ok(["agent", "register", "alice"])
        try a.ok(["agent", "register", "bob"])
        try await Self.send(count: 300, on: a, from: "alice", to: "@bob")
        try cluster.pair("b", "a")
        try b.ok(["tsync", "force"])
        let total = try cluster.health("a").eventCount
        #expect(try cluster.health("b").eventCount == total)
        #expect(try cluster.health("b").syncTraffic?.eventsReceived == total)

        try b.stop()
        try b.start()
        let forced = try b.json(SyncOutcomes.self, ["tsync", "force"])
        #expect(forced.peers.first?.applied == 0)
        #expect(try cluster.health("b").syncTraffic?.eventsReceived == 0, "nothing already transferred crosses the wire again")

        try await Self.send(count: 10, on: a, from: "alice", to: "@bob")
        try b.ok(["tsync", "force"])
        #expect(try cluster.health("b").syncTraffic?.eventsReceived == 10)
        #expect(try cluster.health("b").eventCount == total + 10)
    }

    @Test func eventsHeldAlreadyAreNotSentAgainByASecondPath() async throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        for name in ["a", "b", "c"] { try cluster.add(name).start() }
        let a = try cluster.node("a"), c = try cluster.node("c")
        try a.ok(["agent", "register", "alice"])
        try await Self.send(count: 20, on: a, from: "alice", to: "@everyone")
        try cluster.pair("b", "a")
        try cluster.node("b").ok(["tsync", "force"])
        try cluster.pair("c", "a")
        try c.ok(["tsync", "force"])
        // Now c also pulls b, which holds the same 21 events of a: c's pull names what it
        // holds (its version vector), so b sends none of them again.
        try cluster.pair("c", "b")
        let outcomes = try c.json(SyncOutcomes.self, ["tsync", "force"])
        #expect(outcomes.peers.allSatisfy { $0.applied == 0 && $0.error == nil })
        #expect(try cluster.health("c").syncTraffic?.eventsReceived == 21)
        #expect(try cluster.health("c").eventCount == 21)
    }

    @Test func aPullerKilledMidCatchUpConvergesAfterRestart() async throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a"), b = try cluster.add("b")
        let seeded = 100_000
        try Self.seed(events: seeded, into: a.stateDirectory)
        try a.start()
        try b.start()
        try cluster.pair("b", "a")   // starts the first pull in the background
        try eventuallyBlocking("b is part-way through", within: .seconds(120)) {
            let count = try cluster.health("b").eventCount
            return count >= 5_000
        }
        try b.kill9()
        let partial = try EventStore(path: b.stateDirectory + "/thrum.db")
        let before = try partial.eventCount()
        partial.close()
        #expect(before < seeded, "the kill landed before the catch-up finished")

        try b.start()
        try b.ok(["tsync", "force"])
        try eventuallyBlocking("b converged", within: .seconds(300)) { try cluster.health("b").eventCount == seeded }
        try a.stop()
        try b.stop()

        let storeA = try EventStore(path: a.stateDirectory + "/thrum.db")
        let storeB = try EventStore(path: b.stateDirectory + "/thrum.db")
        defer { storeA.close(); storeB.close() }
        #expect(try storeB.eventCount() == seeded, "no duplicates")
        #expect(try Self.eventIDs(storeA) == Self.eventIDs(storeB), "the same event set on both sides")
        #expect(try storeA.projectionSnapshot() == storeB.projectionSnapshot(), "projections equal")
    }

    // MARK: helpers

    /// Sends `count` messages over one control connection (fast; the CLI is tested elsewhere).
    static func send(count: Int, on node: DaemonFixture, from: String, to: String) async throws {
        try await LineRPCClient.withConnection(to: .unixPath(node.socketPath)) { connection in
            for i in 0..<count {
                let params = ControlParams.Send(agent: from, to: to, text: "message \(i)", threadID: nil)
                let _: ControlResults.Written = try await connection.call(ControlMethod.messageSend.rawValue, params)
            }
        }
    }

    /// Writes `events` signed events of another daemon straight into a state
    /// folder's store, as if relayed there earlier: two agents and messages.
    static func seed(events: Int, into stateDirectory: String) throws {
        mkdir(stateDirectory, 0o700)
        let store = try EventStore(path: stateDirectory + "/thrum.db")
        defer { store.close() }
        let origin = DaemonIdentity(keyPair: .generate())
        var sequence: Int64 = 0
        func event(_ type: EventType, _ payload: some Encodable) -> Event {
            sequence += 1
            return origin.makeEvent(type: type, data: PayloadJSON.encode(payload), sequence: sequence)
        }
        var batch = [
            event(.agentRegister, AgentRegistered(agent: "sender", role: nil, host: "seed")),
            event(.agentRegister, AgentRegistered(agent: "reader", role: nil, host: "seed")),
        ]
        for i in 0..<(events - 2) {
            batch.append(event(.messageCreate, MessageCreated(messageID: "msg_seed\(i)", from: "sender", to: "@reader",
                                                              text: "seeded message \(i)", threadID: nil, replyTo: nil)))
            if batch.count == 1000 {
                _ = try store.applyBatch(batch, quarantined: [], from: origin.daemonID, checkpoint: sequence, localDaemon: "d_local")
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { _ = try store.applyBatch(batch, quarantined: [], from: origin.daemonID, checkpoint: sequence, localDaemon: "d_local") }
    }

    static func eventIDs(_ store: EventStore) throws -> Set<String> {
        var ids = Set<String>()
        var after: Int64 = 0
        while true {
            let page = try store.events(afterSeq: after, limit: 1000, maxBytes: 64 << 20)
            for e in page.events { ids.insert(e.event.eventID) }
            guard let last = page.events.last, page.more else { break }
            after = last.seq
        }
        return ids
    }
}
}
