import ThrumTestSupport
import Testing
import ThrumCore
import ThrumStore

@Suite("Projections")
struct ProjectionTests {
    @Test("registered agents are listed until they deregister")
    func agentsRegisterAndDeregister() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()

        try origin.append(.register("bob", role: "reviewer"), to: store)
        try origin.append(.register("alice"), to: store)
        #expect(try store.agents().map(\.name) == ["alice", "bob"])
        #expect(try store.agent(address: origin.at("bob"))?.role == "reviewer")
        #expect(try store.agent(address: origin.at("bob"))?.originDaemon == origin.id)

        try origin.append(.deregister("bob"), to: store)
        #expect(try store.agents().map(\.name) == ["alice"])
        #expect(try store.agent(address: origin.at("bob"))?.deregistered == true)

        try origin.append(.register("bob", role: "tester"), to: store)
        #expect(try store.agents().map(\.name) == ["alice", "bob"])
        #expect(try store.agent(address: origin.at("bob"))?.role == "tester")
    }

    @Test("a pulled page's messages are projected whatever their IDs hold")
    func aPageOfMessagesWithHostileIDs() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        // IDs are whatever a peer sent: each row is still found by its ID, edits included.
        let ids = ["m\u{0}nul", "m\"quote\\", "m\u{2028}sep", "m😀", "m\u{301}combining", "plain"]
        let events = origin.events([.register("alice")] + ids.enumerated().map { index, id in
            .send(id, from: "alice", to: "@bob", "text \(index)")
        } + [.edit(ids[0], by: "alice", "edited nul"), .edit(ids[3], by: "alice", "edited emoji")])
        _ = try store.applyBatch(events, quarantined: [], from: "d_peer", checkpoint: Int64(events.count), localDaemon: "d_local")
        #expect(try ids.map { try store.message(id: origin.msg($0))?.text } == ["edited nul", "text 1", "text 2", "edited emoji", "text 4", "text 5"])
    }

    @Test("a session is active from start to end")
    func sessions() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()

        try origin.append(.register("alice"), to: store)
        try origin.append(.startSession("s1", agent: "alice"), to: store)
        try origin.append(Change(.sessionHeartbeat, SessionChange(sessionID: "s1", agent: "alice")), to: store)
        let active = try #require(try store.activeSession(agent: origin.at("alice")))
        #expect(active.sessionID == origin.msg("s1"))
        #expect(active.intent == "fix the build")
        #expect(active.startedAt == Origin.timestamp(2))
        #expect(active.lastHeartbeat == Origin.timestamp(3))

        try origin.append(.endSession("s1", agent: "alice"), to: store)
        #expect(try store.activeSession(agent: origin.at("alice")) == nil)
    }

    @Test("the inbox holds messages to the agent, to everyone and to its groups, oldest first")
    func inboxAddressing() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        for change in [Change.register("alice"), .register("bob"), .register("carol"), .createGroup("builders", by: "carol"),
                       .join("builders", "bob"),
                       .send("m1", from: "alice", to: "@bob", "direct"),
                       .send("m2", from: "alice", to: "@everyone", "broadcast"),
                       .send("m3", from: "carol", to: "@builders", "to the group"),
                       .send("m4", from: "alice", to: "@carol", "not for bob"),
                       .send("m5", from: "bob", to: "@everyone", "bob's own"),
                       .send("m6", from: "carol", to: "@testers", "a group bob is not in")] {
            try origin.append(change, to: store)
        }

        let inbox = try store.inbox(agent: origin.at("bob"), unreadOnly: false, limit: 10)
        #expect(inbox.map(\.messageID) == ["m1", "m2", "m3"].map(origin.msg))
        #expect(inbox.first?.text == "direct")
        #expect(inbox.first?.from == origin.at("alice"))
        #expect(inbox.allSatisfy { $0.read == false })
        #expect(try store.inbox(agent: origin.at("bob"), unreadOnly: false, limit: 2).map(\.messageID) == ["m2", "m3"].map(origin.msg))

        try origin.append(.leave("builders", "bob"), to: store)
        #expect(try store.inbox(agent: origin.at("bob"), unreadOnly: false, limit: 10).map(\.messageID) == ["m1", "m2"].map(origin.msg))
    }

    @Test("the next message to hand out is the oldest unread one, however many are unread")
    func oldestUnread() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        try origin.append(.register("alice"), to: store)
        try origin.append(.register("bob"), to: store)
        #expect(try store.oldestUnread(agent: origin.at("bob")) == nil)
        for i in 0..<1200 { try origin.append(.send("m\(i)", from: "alice", to: "@bob", "n\(i)"), to: store) }
        #expect(try store.oldestUnread(agent: origin.at("bob"))?.messageID == origin.msg("m0"))
        _ = try store.markRead(agent: origin.at("bob"), messageID: origin.msg("m0"))
        #expect(try store.oldestUnread(agent: origin.at("bob"))?.messageID == origin.msg("m1"))
        #expect(try store.oldestUnread(agent: origin.at("alice")) == nil, "a sender's own messages are not its to read")
    }

    @Test("read marks hide messages from the unread inbox, per agent")
    func readMarks() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        try origin.append(.register("alice"), to: store)
        try origin.append(.send("m1", from: "alice", to: "@everyone", "one"), to: store)
        try origin.append(.send("m2", from: "alice", to: "@everyone", "two"), to: store)

        #expect(try store.markRead(agent: origin.at("bob"), messageID: origin.msg("m1")))
        #expect(try store.markRead(agent: origin.at("bob"), messageID: origin.msg("m1")))
        #expect(try !store.markRead(agent: origin.at("bob"), messageID: origin.msg("no-such-message")))

        #expect(try store.inbox(agent: origin.at("bob"), unreadOnly: true, limit: 10).map(\.messageID) == ["m2"].map(origin.msg))
        #expect(try store.inbox(agent: origin.at("bob"), unreadOnly: false, limit: 10).map(\.read) == [true, false])
        #expect(try store.inbox(agent: origin.at("carol"), unreadOnly: true, limit: 10).map(\.messageID) == ["m1", "m2"].map(origin.msg))
        #expect(try store.message(id: origin.msg("m1"), readBy: origin.at("bob"))?.read == true)
        #expect(try store.message(id: origin.msg("m1"), readBy: origin.at("carol"))?.read == false)
        #expect(try store.message(id: origin.msg("m1"))?.read == nil)
    }

    @Test("only the author can edit or delete a message; deleted messages leave the inbox")
    func editAndDelete() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        for agent in ["alice", "bob", "mallory"] { try origin.append(.register(agent), to: store) }
        try origin.append(.send("m1", from: "alice", to: "@bob", "draft"), to: store)

        try origin.append(.edit("m1", by: "mallory", "forged"), to: store)
        #expect(try store.message(id: origin.msg("m1"))?.text == "draft")
        #expect(try store.message(id: origin.msg("m1"))?.editedAt == nil)

        try origin.append(.edit("m1", by: "alice", "final"), to: store)
        let edited = try #require(try store.message(id: origin.msg("m1")))
        #expect(edited.text == "final")
        #expect(edited.editedAt == Origin.timestamp(6))

        try origin.append(.delete("m1", by: "bob"), to: store)
        #expect(try store.inbox(agent: origin.at("bob"), unreadOnly: false, limit: 10).map(\.messageID) == ["m1"].map(origin.msg))

        try origin.append(.delete("m1", by: "alice"), to: store)
        #expect(try store.inbox(agent: origin.at("bob"), unreadOnly: false, limit: 10).isEmpty)
        #expect(try store.message(id: origin.msg("m1"))?.deleted == true)
    }

    @Test("groups list their creator and members")
    func groupMembership() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        for agent in ["alice", "bob", "carol", "dave"] { try origin.append(.register(agent), to: store) }
        for change in [Change.createGroup("builders", by: "carol"), .join("builders", "bob"), .join("builders", "alice"),
                       .createGroup("testers", by: "dave"), .leave("builders", "carol")] {
            try origin.append(change, to: store)
        }

        let groups = try store.groups()
        #expect(groups.map(\.name) == ["builders", "testers"])
        #expect(groups.map(\.members) == [["alice", "bob"].map(origin.at), [origin.at("dave")]])
        #expect(groups.first?.createdBy == origin.at("carol"))
        #expect(groups.first?.createdAt == Origin.timestamp(5))
    }

    @Test("an event with an unknown type or an undecodable payload is stored but changes no projection")
    func unprojectableEventsStored() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        try origin.append(.register("alice"), to: store)
        let before = try store.projectionSnapshot()

        let peer = Origin()
        let garbled = peer.identity.makeEvent(type: .agentRegister, data: "{not json", sequence: 1)
        var unknown = peer.identity.makeEvent(type: .agentRegister, data: "{}", sequence: 2)
        unknown.type = "agent.teleport"
        let result = try store.applyBatch([garbled, unknown], quarantined: [], from: "d_peer", checkpoint: 2, localDaemon: "d_local")

        #expect(result.applied.count == 2)
        #expect(try store.eventCount() == 3)
        #expect(try store.projectionSnapshot() == before)
    }

    @Test("replaying the log rebuilds exactly the same projections and keeps read marks")
    func rebuildMatches() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        for change in Self.conversation { try origin.append(change, to: store) }
        try store.markRead(agent: origin.at("bob"), messageID: origin.msg("m1"))
        let before = try store.projectionSnapshot()
        #expect(before.contains("\"final text\""))

        try store.rebuildProjections()

        #expect(try store.projectionSnapshot() == before)
        #expect(try store.message(id: origin.msg("m1"), readBy: origin.at("bob"))?.read == true)
    }

    @Test("two stores given the same events in different batch splits end with equal projections")
    func batchSplitsConverge() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let whole = try EventStore(path: directory.file("whole.db"))
        let pieces = try EventStore(path: directory.file("pieces.db"))
        let events = Origin().events(Self.conversation)

        let wholeResult = try whole.applyBatch(events, quarantined: [], from: "d_peer", checkpoint: Int64(events.count), localDaemon: "d_local")
        var start = 0
        for size in [1, 3, 2, events.count] where start < events.count {
            let end = min(start + size, events.count)
            // Each piece overlaps the previous one by an event, as a retried pull would.
            let piece = Array(events[max(0, start - 1)..<end])
            _ = try pieces.applyBatch(piece, quarantined: [], from: "d_peer", checkpoint: Int64(end), localDaemon: "d_local")
            start = end
        }

        #expect(wholeResult.applied.count == events.count)
        #expect(try pieces.eventCount() == events.count)
        #expect(try pieces.projectionSnapshot() == whole.projectionSnapshot())
        #expect(try pieces.checkpoint(peer: "d_peer")?.lastSeq == Int64(events.count))
    }

    /// A little of everything, in an order where later events change earlier ones.
    static let conversation: [Change] = [
        .register("alice"), .register("bob"), .register("carol"),
        .startSession("s1", agent: "alice"),
        .createGroup("builders", by: "alice"), .join("builders", "bob"),
        .send("m1", from: "alice", to: "@bob", "first text"),
        .edit("m1", by: "alice", "final text"),
        .send("m2", from: "bob", to: "@builders", "hello group"),
        .send("m3", from: "carol", to: "@everyone", "soon gone"),
        .delete("m3", by: "carol"),
        Change(.threadCreate, ThreadCreated(threadID: "t1", agent: "bob", title: "release")),
        Change(.threadReply, MessageCreated(messageID: "m4", from: "alice", to: "@bob", text: "in thread",
                                            threadID: "t1", replyTo: "m2")),
        Change(.subscribe, SubscriptionChange(agent: "carol", topic: "t1")),
        .leave("builders", "bob"),
        .endSession("s1", agent: "alice"),
        .deregister("carol"),
    ]
}
