import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore
import ThrumStore

extension DaemonProcessTests {
/// THRUM_RETENTION in a real daemon: an event already outside the window is never applied,
/// one that ages out while the daemon runs is removed by the periodic pass (logged), and
/// `thrum status` shows the log's size and its oldest event.
@Suite
struct RetentionProcessTests {
    static func message(_ text: String, id: Int, to reader: String) -> String {
        PayloadJSON.encode(MessageCreated(messageID: "msg_kept\(id)", from: "crafty", to: reader, text: text,
                                          threadID: nil, replyTo: nil))
    }

    @Test func expiredEventsAreNotAppliedAndAgingOnesAreRemovedByThePass() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let peer = CraftedPeer(directory: cluster.root)
        try peer.start()
        defer { peer.stop() }
        let b = try cluster.add("b", extra: ["THRUM_RETENTION": "6s"])
        try b.start()
        try b.ok(["agent", "register", "reader"])
        let reader = "@reader@" + (try cluster.health("b").daemonID)

        let monthAgo = Timestamp.format(Date().addingTimeInterval(-30 * 24 * 3600))
        let register = PayloadJSON.encode(AgentRegistered(agent: "crafty", role: nil, host: "crafted"))
        let registered = peer.signed("agent.register", register, sequence: 1, timestamp: monthAgo)
        let old = peer.signed("message.create", Self.message("from a month ago", id: 1, to: reader), sequence: 2, timestamp: monthAgo)
        let fresh = peer.signed("message.create", Self.message("fresh", id: 2, to: reader), sequence: 3)
        try peer.append([registered, old, fresh])
        try b.ok(["tsync", "peers", "add", peer.address])
        #expect(try b.json(SyncOutcomes.self, ["tsync", "force"]).peers.first?.error == nil)

        // The registration is kept whatever its age; the month-old message never enters.
        #expect(try b.json(AgentList.self, ["agent", "list"]).agents.map(\.name).sorted() == ["crafty", "reader"])
        #expect(try b.json(MessageList.self, ["inbox"], agent: "reader").messages.map(\.text) == ["fresh"])
        let before = try b.json(StatusResult.self, ["status"])
        #expect(before.eventCount == 3)
        #expect(before.oldestEvent == monthAgo)
        #expect(before.retentionSeconds == 6)
        #expect((before.logBytes ?? 0) > 0)

        try eventuallyBlocking("the pass removes the message once it is 6 s old") {
            try b.json(MessageList.self, ["inbox"], agent: "reader").messages.isEmpty
        }
        #expect(try b.json(StatusResult.self, ["status"]).eventCount == 2)
        let stderr = b.process?.stderr ?? ""
        #expect(stderr.contains("[retention] removed 1 events older than"))
        let text = try b.ok(["status"])
        #expect(text.contains("on disk, oldest event \(monthAgo)"))
        #expect(text.contains("; kept for 6s"))
    }
}
}
