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

    @Test func readingTenThousandMessagesWritesOneReceiptPerCallAndReadingAgainWritesNone() async throws {
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
            func events() throws -> Int {
                try JSONDecoder().decode(ControlResults.Health.self, from: Data(try d.ok(["health"]).utf8)).eventCount
            }
            let before = try events()
            for _ in 0..<10 { _ = try d.ok(["inbox", "--unread", "--mark-read", "--limit", "1000"], agent: "bob") }
            #expect(try events() - before == 10, "one receipt per call that read something")
            #expect(try d.json(MessageList.self, ["inbox", "--unread"], agent: "bob").messages.isEmpty)
            let after = try events()
            for _ in 0..<10 { _ = try d.ok(["inbox", "--mark-read", "--limit", "1000"], agent: "bob") }
            #expect(try events() == after, "reading again writes nothing")
            let sent = try d.json(MessageStatusList.self, ["sent", "--limit", "1000"], agent: "alice").messages
            #expect(sent.count == 1000 && sent.allSatisfy { $0.recipients.first?.state == "read" })
        }
    }
}
}
