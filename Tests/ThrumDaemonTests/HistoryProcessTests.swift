import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore
#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcessTests {
/// DESIGN §5–6 at process level: a daemon whose database is lost or restored takes its own
/// history back from its peers before it writes, and never re-uses a sequence; a daemon that
/// serves two histories of itself is caught, and every daemon learns of it and agrees.
@Suite
struct HistoryProcessTests {
    @Test func aDaemonWhoseDatabaseWasMovedAsideTakesItsHistoryBackAndItsNextWriteReachesEveryPeer() async throws {
        try await offThePool { try Self.recovers(restoringCopyAfter: nil) }
    }

    @Test func aDaemonRestoredFromACopyTakenSeveralWritesEarlierTakesTheRestBackAndGoesOn() async throws {
        try await offThePool { try Self.recovers(restoringCopyAfter: 2) }
    }

    static let databaseFiles = ["thrum.db", "thrum.db-wal", "thrum.db-shm"]

    /// Three daemons; a writes 6 messages, all synced. Then a's database is moved aside, or
    /// replaced by a copy taken after `restoringCopyAfter` of them, and a restarts.
    static func recovers(restoringCopyAfter copied: Int?) throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a"), b = try cluster.add("b"), c = try cluster.add("c")
        for node in [a, b, c] { try node.start() }
        for (x, y) in [("a", "b"), ("a", "c"), ("b", "c")] { try cluster.pairBothWays(x, y) }
        for node in [b, c] { try node.ok(["agent", "register", "reader"]) }
        try a.ok(["agent", "register", "alice"])
        let copy = a.directory + "/copy"
        var sent: [(id: String, text: String)] = []
        for index in 1...6 {
            let text = "message \(index) from alice"
            let written = try a.json(ControlResults.Written.self, ["send", "--to", "@everyone", text], agent: "alice")
            sent.append((try #require(written.messageID), text))
            if index == copied {
                // A backup as an operator takes one: the daemon stopped, its files copied.
                _ = try a.stop()
                mkdir(copy, 0o700)
                for file in databaseFiles where TestFiles.exists(a.stateDirectory + "/" + file) {
                    try TestFiles.write(copy + "/" + file, bytes: try TestFiles.readBytes(a.stateDirectory + "/" + file))
                }
                _ = try a.start()
            }
        }
        for node in [b, c] { try waitForMessages(sent, on: node, agent: "reader") }

        _ = try a.stop()
        for file in databaseFiles {
            let path = a.stateDirectory + "/" + file
            if copied != nil {
                if TestFiles.exists(copy + "/" + file) {
                    try TestFiles.write(path, bytes: try TestFiles.readBytes(copy + "/" + file))
                } else {
                    unlink(path)
                }
            } else if TestFiles.exists(path) {
                guard rename(path, path + ".aside") == 0 else { throw TestFailure("cannot move \(path) aside") }
            }
        }
        _ = try a.start()

        // a shows all of alice's past messages again: its own history came back from its peers.
        try waitForMessages(sent, on: a, agent: "alice")
        #expect(a.process?.stderr.contains("history: took") == true, "\(a.process?.stderr ?? "")")
        // Its next write is numbered after them, so it reaches both peers.
        let after = try a.json(ControlResults.Written.self, ["send", "--to", "@everyone", "after the recovery"], agent: "alice")
        let all = sent + [(try #require(after.messageID), "after the recovery")]
        for node in [b, c] { try waitForMessages(all, on: node, agent: "reader") }
        for name in ["a", "b", "c"] {
            let health = try cluster.health(name)
            #expect(health.forks == [], "\(name) reports a fork: no sequence may be re-used")
            #expect(health.status == "ok")
            #expect(health.ownHistory?.state == "known")
        }
    }

    /// Waits until `node` shows each message with its text (pulling meanwhile).
    static func waitForMessages(_ messages: [(id: String, text: String)], on node: DaemonFixture, agent: String) throws {
        try eventuallyBlocking("\(messages.count) messages on \(node.stateDirectory)") {
            _ = try? node.cli(["tsync", "force"])
            for (id, text) in messages {
                let read = try node.cli(["message", "read", id, "--json"], agent: agent)
                guard read.code == 0 else { return false }
                let record = try JSONDecoder().decode(MessageRecord.self, from: Data(read.stdout.utf8))
                guard record.text == text else { return false }
            }
            return true
        }
    }

    @Test func aForkServedToTwoDaemonsIsProvenSharedAndResolvedTheSameWayOnAllThree() async throws {
        try await offThePool { try Self.forkSeenEverywhere() }
    }

    static func forkSeenEverywhere() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        // One identity, two servers: P serves one history of it to a, Q another to b.
        let forker = DaemonIdentity(keyPair: .generate())
        mkdir(cluster.root + "/p", 0o700)
        mkdir(cluster.root + "/q", 0o700)
        let p = CraftedPeer(directory: cluster.root + "/p", identity: forker)
        let q = CraftedPeer(directory: cluster.root + "/q", identity: forker)
        func send(_ id: String, _ text: String, _ link: ChainLink) -> Event {
            forker.makeEvent(type: .messageCreate, data: PayloadJSON.encode(MessageCreated(
                messageID: id, from: "zed", to: "@everyone", text: text, threadID: nil, replyTo: nil)), link: link)
        }
        let register = forker.makeEvent(type: .agentRegister, data: PayloadJSON.encode(AgentRegistered(agent: "zed", role: nil, host: nil)),
                                        link: ChainLink(sequence: 1, prev: EventChain.genesis))
        let shared = [register, send("z1", "before the fork", ChainLink(sequence: 2, prev: register.chainHash))]
        func branch(_ audience: String) -> [Event] {
            let third = send("z3", "only for \(audience)", ChainLink(sequence: 3, prev: shared[1].chainHash))
            return [third, send("z4", "more for \(audience)", ChainLink(sequence: 4, prev: third.chainHash))]
        }
        try p.append(shared + branch("a"))
        try q.append(shared + branch("b"))
        try p.start()
        defer { p.stop() }
        try q.start()
        defer { q.stop() }

        let a = try cluster.add("a"), b = try cluster.add("b"), c = try cluster.add("c")
        for node in [a, b, c] {
            try node.start()
            try node.ok(["agent", "register", "reader"])
        }
        try a.ok(["tsync", "peers", "add", p.address])
        try b.ok(["tsync", "peers", "add", q.address])
        var forced = ""
        do {
            try eventuallyBlocking("a and b each hold one history of the forker") {
                forced = try [a, b].map { try $0.ok(["tsync", "force"]) }.joined(separator: "\n")
                return try ["a", "b"].allSatisfy { try cluster.health($0).eventCount == 5 }
            }
        } catch {
            throw TestFailure("\(error); the last pulls said: \(forced); event counts \(try ["a", "b"].map { try cluster.health($0).eventCount })")
        }
        for (x, y) in [("a", "b"), ("a", "c"), ("b", "c")] { try cluster.pairBothWays(x, y) }

        let expected = [ControlResults.Fork(origin: forker.daemonID, sequence: 3, detectedAt: "", fromDaemon: nil, ownHistory: false)]
        func forks(_ name: String) throws -> [ControlResults.Fork] {
            try cluster.health(name).forks?.map {
                ControlResults.Fork(origin: $0.origin, sequence: $0.sequence, detectedAt: "", fromDaemon: nil, ownHistory: $0.ownHistory)
            } ?? []
        }
        try eventuallyBlocking("all three daemons report the fork") {
            for node in [a, b, c] { _ = try node.ok(["tsync", "force"]) }
            return try ["a", "b", "c"].allSatisfy { try forks($0) == expected }
        }
        // The same state everywhere: what zed said before the fork stands, nothing after it counts.
        var inboxes: [[String]] = []
        for node in [a, b, c] {
            let inbox = try node.json(MessageList.self, ["inbox"], agent: "reader").messages
            inboxes.append(inbox.map { "\($0.messageID) \($0.text)" }.sorted())
            #expect(try node.ok(["status"]).contains("Fork: \(forker.daemonID) forked at sequence 3"))
        }
        #expect(inboxes[0] == [ScopedID.scoped("z1", origin: forker.daemonID) + " before the fork"])
        #expect(inboxes[1] == inboxes[0])
        #expect(inboxes[2] == inboxes[0])
        // Logged once where it was proven, at the daemon that saw both branches first.
        let logs = [a, b, c].map { $0.process?.stderr ?? "" }
        #expect(logs.contains { $0.contains("[quarantine] fork by \(forker.daemonID) at sequence 3") })
        #expect(try a.ok(["metrics"]).contains("thrum_sync_forked_origins 1"))
    }
}
}

extension DaemonProcessTests.HistoryProcessTests {
    @Test func withNoPeerReachableALostLogRefusesWritesAndSaysWhyAndRotateStartsANewHistory() async throws {
        try await offThePool { try Self.noPeerThenRotate() }
    }

    static func noPeerThenRotate() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a"), b = try cluster.add("b")
        for node in [a, b] { try node.start() }
        try cluster.pairBothWays("a", "b")
        try b.ok(["agent", "register", "reader"])
        try a.ok(["agent", "register", "alice"])
        let written = try a.json(ControlResults.Written.self, ["send", "--to", "@everyone", "kept by b"], agent: "alice")
        try waitForMessages([(try #require(written.messageID), "kept by b")], on: b, agent: "reader")
        let before = try cluster.health("a").daemonID

        // a loses its log while b is down: nothing can hand its history back.
        _ = try b.stop()
        _ = try a.stop()
        for file in databaseFiles where TestFiles.exists(a.stateDirectory + "/" + file) {
            guard rename(a.stateDirectory + "/" + file, a.stateDirectory + "/" + file + ".aside") == 0 else {
                throw TestFailure("cannot move \(file) aside")
            }
        }
        _ = try a.start()
        let refused = try a.cli(["agent", "register", "alice"])
        #expect(refused.code == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("no peer answered"), "\(refused.stderr)")
        #expect(refused.stderr.contains("thrum identity rotate"))
        #expect(try a.ok(["status"]).contains("Own history: writes refused"))
        #expect(try cluster.health("a").status == "history_unknown")
        #expect(a.process?.stderr.contains("history: this daemon writes nothing for now") == true)

        // The operator chooses a new history: refused while the daemon runs, done once it is stopped.
        let running = try a.cli(["identity", "rotate"])
        #expect(running.code == 1)
        #expect(running.stderr.contains("stop it first"))
        _ = try a.stop()
        let rotated = try a.ok(["identity", "rotate"])
        #expect(rotated.contains("New identity: d_"))
        #expect(rotated.contains("Old identity: \(before)"))
        let retired = try FileManager.default.contentsOfDirectory(atPath: a.stateDirectory).filter { $0.hasPrefix("identity.key.retired-") }
        #expect(retired.count == 1, "the old key is kept")
        _ = try a.start()
        let after = try cluster.health("a")
        #expect(after.daemonID != before)
        #expect(after.ownHistory?.state == "known")
        try a.ok(["agent", "register", "alice"])
        try a.ok(["send", "--to", "@everyone", "a new history"], agent: "alice")
    }
}
