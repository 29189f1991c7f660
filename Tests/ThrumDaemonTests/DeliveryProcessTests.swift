import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore

extension DaemonProcessTests {
/// Delivery states through the CLI on real daemons: a recipient's read and acknowledgement
/// reach the sender's daemon, only recipients count, and reading writes one receipt per call.
@Suite
struct DeliveryProcessTests {
    @Test func theSenderSeesTheRecipientOnAnotherDaemonReadAndAcknowledge() async throws {
        try await offThePool { try Self.readAndAcknowledged() }
    }

    /// Two synced daemons: alice on a; bob and carol on b, known to a.
    static func aliceAndBob(in cluster: SyncCluster) throws -> (DaemonFixture, DaemonFixture) {
        let a = try cluster.add("a"), b = try cluster.add("b")
        for node in [a, b] { try node.start() }
        try cluster.pairBothWays("a", "b")
        try a.ok(["agent", "register", "alice"])
        for name in ["bob", "carol"] { try b.ok(["agent", "register", name]) }
        try eventuallyBlocking("a knows bob") { try a.ok(["agent", "list"]).contains("bob") }
        return (a, b)
    }

    static func readAndAcknowledged() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let (a, b) = try aliceAndBob(in: cluster)
        let id = try a.ok(["send", "--to", "@bob", "--ack-required", "--ack-within", "1h", "review PR 12"], agent: "alice").trimmed
        func status() throws -> MessageStatusRecord {
            try a.json(MessageStatusRecord.self, ["message", "status", id], agent: "alice")
        }
        let sent = try status()
        #expect(sent.ackRequired && sent.ackDue != nil && sent.pending && !sent.overdue)
        // b pulls it on a's notify and says so in a notify back: delivered, with no sync asked for.
        try eventuallyBlocking("a sees it delivered to bob's daemon") { try status().recipients.first?.state == "delivered" }
        #expect(try status().recipients.first?.deliveredAt != nil)

        let waiter = try a.spawn(["wait", "--for-ack", id, "--timeout", "60s"], agent: "alice")
        try b.ok(["message", "read", id], agent: "bob")
        try eventuallyBlocking("a sees bob read it") { try status().recipients.first?.state == "read" }
        // Only a recipient can acknowledge.
        let stranger = try b.cli(["ack", id], agent: "carol")
        #expect(stranger.code == 1)
        #expect(stranger.stderr.contains("not a recipient"), "\(stranger.stderr)")
        #expect(waiter.isRunning, "wait --for-ack returns only once bob acknowledged")

        #expect(try b.ok(["ack", id, "--note", "on it"], agent: "bob").contains("acknowledged"))
        #expect(try b.ok(["ack", id], agent: "bob").contains("acknowledged already"))
        #expect(try waiter.wait(timeout: .seconds(30)) == 0, "\(waiter.stderr)")
        #expect(waiter.stdout.contains("bob: acknowledged"))
        let done = try status()
        #expect(done.recipients.first?.state == "acknowledged")
        #expect(done.recipients.first?.note == "on it")
        #expect(!done.pending)
        #expect(try a.json(MessageStatusList.self, ["sent", "--pending"], agent: "alice").messages.isEmpty)
        #expect(try a.ok(["sent"], agent: "alice").contains("bob: acknowledged"))
        let timedOut = try a.cli(["wait", "--for-ack", try a.ok(["send", "--to", "@bob", "--ack-required", "never acked"],
                                                                agent: "alice").trimmed, "--timeout", "300ms"], agent: "alice")
        #expect(timedOut.code == 4)
        #expect(timedOut.stderr.contains("not acknowledged within 300ms by bob"))

        // A deadline passes: logged once, counted, and listed as overdue.
        let late = try a.ok(["send", "--to", "@bob", "--ack-required", "--ack-within", "1s", "due at once"], agent: "alice").trimmed
        let line = "acknowledgement overdue: \(late) from alice@"
        try eventuallyBlocking("a logs the overdue acknowledgement") { a.process?.stderr.contains(line) == true }
        #expect(try a.ok(["metrics"]).contains("thrum_acknowledgements_overdue 1"))
        let overdue = try a.json(MessageStatusList.self, ["sent", "--overdue"], agent: "alice").messages
        #expect(overdue.map(\.messageID) == [late])
        try b.ok(["message", "read", late], agent: "bob")
        try eventuallyBlocking("a sees the late message read") {
            try a.json(MessageStatusRecord.self, ["message", "status", late], agent: "alice").recipients.first?.state == "read"
        }
        #expect(a.process?.stderr.components(separatedBy: line).count == 2, "logged once")
    }

    @Test func aMessageSentDuringAPartitionShowsDeliveredOnceItHealsWithNoOneActing() async throws {
        try await offThePool { try Self.deliveredAfterHealing() }
    }

    static func deliveredAfterHealing() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let (a, b) = try aliceAndBob(in: cluster)
        // The partition: b is unreachable.
        _ = try b.stop()
        let id = try a.ok(["send", "--to", "@bob", "sent while b is away"], agent: "alice").trimmed
        let sent = try a.json(MessageStatusRecord.self, ["message", "status", id], agent: "alice")
        #expect(sent.recipients.map(\.state) == ["sent"])
        #expect(sent.recipients.first?.deliveredAt == nil)
        // It heals: b comes back, catches up from a on its own, and a hears that b holds it.
        _ = try b.start()
        try eventuallyBlocking("a sees it delivered") {
            try a.json(MessageStatusRecord.self, ["message", "status", id], agent: "alice").recipients.first?.state == "delivered"
        }
    }

    @Test func aReceiptFromAPeersAgentThatIsNotARecipientChangesNothingAndIsReported() async throws {
        try await offThePool { try Self.ignoredReceipt() }
    }

    /// A hostile peer's own agent, mallory, claims by a correctly signed receipt to have read and
    /// acknowledged a message alice sent bob. (A local non-recipient is refused at `thrum ack`:
    /// `readAndAcknowledged`.)
    static func ignoredReceipt() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a")
        try a.start()
        try a.ok(["agent", "register", "alice"])
        try a.ok(["agent", "register", "bob"])
        let id = try a.ok(["send", "--to", "@bob", "--ack-required", "for bob only"], agent: "alice").trimmed
        let z = CraftedPeer(directory: cluster.root)
        try z.start()
        defer { z.stop() }
        let mallory = "mallory@\(z.identity.daemonID)"
        try z.append([
            z.signed("agent.register", PayloadJSON.encode(AgentRegistered(agent: "mallory", role: nil, host: "z")), sequence: 1),
            z.signed("message.receipt", PayloadJSON.encode(MessageReceipt(agent: mallory, read: [id],
                                                                          acknowledged: [.init(messageID: id, note: "mine now")])),
                     sequence: 2),
        ])
        try a.ok(["tsync", "peers", "add", z.address])
        func status() throws -> MessageStatusRecord { try a.json(MessageStatusRecord.self, ["message", "status", id], agent: "alice") }
        try eventuallyBlocking("a holds mallory's receipt") {
            try a.ok(["tsync", "force"])
            return try status().ignoredReceipts.map(\.agent) == [mallory]
        }
        let after = try status()
        #expect(after.recipients.map(\.state) == ["delivered"], "bob's state is untouched")
        #expect(after.pending)
        #expect(try a.ok(["message", "status", id], agent: "alice").contains("ignored: receipt from mallory"))
        try eventuallyBlocking("a logs it") {
            a.process?.stderr.contains("delivery: ignored a receipt from \(mallory) for \(id): not a recipient of it") == true
        }
        #expect(try a.ok(["metrics"]).contains("thrum_receipts_ignored_total 1"))
        // Still nothing after more traffic: each message and agent is reported once.
        try a.ok(["send", "--to", "@bob", "another"], agent: "alice")
        try a.ok(["tsync", "force"])
        #expect(a.process?.stderr.components(separatedBy: "delivery: ignored a receipt from").count == 2)
    }

    static func eventCount(_ d: DaemonFixture) throws -> Int {
        try JSONDecoder().decode(ControlResults.Health.self, from: Data(try d.ok(["health"]).utf8)).eventCount
    }

    @Test func readingTenThousandMessagesWritesAtMostOneReceiptPerCallAndReadingAgainWritesNone() async throws {
        let d = DaemonFixture(name: "storm")
        defer { d.cleanup() }
        try await offThePool {
            try d.start()
            try d.ok(["agent", "register", "alice"])
            try d.ok(["agent", "register", "bob"])
        }
        // 8 senders at once, so commits hold several writes each.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { try await SyncProcessTests.send(count: 1250, on: d, from: "alice", to: "@bob") } }
            try await group.waitForAll()
        }
        try await offThePool {
            let before = try Self.eventCount(d)
            for _ in 0..<10 { _ = try d.ok(["inbox", "--unread", "--mark-read", "--limit", "1000"], agent: "bob") }
            #expect(try d.json(MessageList.self, ["inbox", "--unread"], agent: "bob").messages.isEmpty)
            // A graceful stop writes what is still pending; then the count is final.
            #expect(try d.stop() == 0)
            try d.start()
            let receipts = try Self.eventCount(d) - before
            #expect((1...10).contains(receipts), "at most one receipt per call that read something: \(receipts)")
            let sent = try d.json(MessageStatusList.self, ["sent", "--limit", "1000"], agent: "alice").messages
            #expect(sent.count == 1000 && sent.allSatisfy { $0.recipients.first?.state == "read" })
            let after = try Self.eventCount(d)
            for _ in 0..<10 { _ = try d.ok(["inbox", "--mark-read", "--limit", "1000"], agent: "bob") }
            #expect(try d.stop() == 0)
            try d.start()
            #expect(try Self.eventCount(d) == after, "reading again writes nothing")
        }
    }

    /// With a window of an hour, reads in separate calls wait for one receipt; a graceful stop
    /// writes it, and reads a crash left unreported are written at the next start.
    @Test func readsInOneWindowGoOutInOneReceiptAndNoneIsLostAtAStopOrACrash() async throws {
        try await offThePool { try Self.coalescedReads() }
    }

    static func coalescedReads() throws {
        let d = DaemonFixture(name: "window", environment: ["THRUM_RECEIPT_WINDOW": "1h"])
        defer { d.cleanup() }
        try d.start()
        try d.ok(["agent", "register", "alice"])
        try d.ok(["agent", "register", "bob"])
        let ids = try (0..<5).map { try d.ok(["send", "--to", "@bob", "task \($0)"], agent: "alice").trimmed }
        func states() throws -> [String] {
            try ids.map { try d.json(MessageStatusRecord.self, ["message", "status", $0], agent: "alice").recipients.first?.state ?? "" }
        }
        let start = try eventCount(d)
        for id in ids[0..<3] { try d.ok(["message", "read", id], agent: "bob") }
        #expect(try eventCount(d) == start, "the window is still open: no receipt yet")
        #expect(try states() == Array(repeating: "delivered", count: 5))

        let stopping = try #require(d.process)
        #expect(try d.stop() == 0)
        #expect(stopping.stderr.components(separatedBy: "control: message.receipt ").count == 2,
                "the stop wrote one receipt: \(stopping.stderr)")
        try d.start()
        #expect(try eventCount(d) == start + 1, "three reads in three calls, one receipt")
        #expect(try states() == ["read", "read", "read", "delivered", "delivered"])

        for id in ids[3...] { try d.ok(["message", "read", id], agent: "bob") }
        try d.kill9()
        try d.start()
        try eventuallyBlocking("the reads the crash left unreported are reported") {
            try states() == Array(repeating: "read", count: 5)
        }
        #expect(try eventCount(d) == start + 2)
        #expect(d.process?.stderr.contains("delivery: reporting reads of 1 agent(s) that no receipt reports yet") == true)
    }
}
}
