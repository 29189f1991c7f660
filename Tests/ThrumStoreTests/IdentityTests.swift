import ThrumTestSupport
import Testing
import ThrumStore
import ThrumCore

/// DESIGN §5: every identifier belongs to the daemon that made it. An agent is its name and its
/// daemon; only that daemon acts as it; message and session IDs and event IDs are scoped to
/// their origin; an agent's own history is ordered by its daemon's sequence. Each case is
/// applied in both arrival orders.
@Suite("Identity: agents, IDs and events belong to their daemon")
struct IdentityTests {
    let directory: TemporaryFolder
    init() throws { directory = try TemporaryFolder() }

    /// Applies `events` one batch each to a fresh store, in order, and returns it.
    func store(_ name: String, _ events: [Event]) throws -> EventStore {
        try directory.store(name, pulling: events)
    }

    /// The store after `events` in the given order and in reverse, checked equal; the first one.
    func bothOrders(_ events: [Event], _ name: String = #function) throws -> EventStore {
        let forward = try store(name.filter(\.isLetter) + "-f", events)
        let backward = try store(name.filter(\.isLetter) + "-b", events.reversed())
        #expect(try forward.projectionSnapshot() == backward.projectionSnapshot())
        backward.close()
        return forward
    }

    @Test("two daemons register one name: two agents, and what each writes takes effect")
    func sameNameTwoAgents() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin()
        let events = [a.event(.register("reviewer", role: "from-a"), sequence: 1, second: 5),
                      a.event(.send("m-a", from: "reviewer", to: "@everyone", "from a"), sequence: 2, second: 6),
                      b.event(.register("reviewer", role: "from-b"), sequence: 1, second: 3),
                      b.event(.send("m-b", from: "reviewer", to: "@everyone", "from b"), sequence: 2, second: 7)]
        let store = try bothOrders(events)
        #expect(try store.agents().map(\.address).sorted() == [a.at("reviewer"), b.at("reviewer")].sorted())
        #expect(try store.agent(address: a.at("reviewer"))?.role == "from-a")
        #expect(try store.agent(address: b.at("reviewer"))?.role == "from-b")
        #expect(try store.message(id: a.msg("m-a"))?.from == a.at("reviewer"))
        #expect(try store.message(id: b.msg("m-b"))?.from == b.at("reviewer"))
    }

    @Test("a back-dated registration of the same name by another daemon takes nothing from the agent that has it")
    func backDatedRegistration() throws {
        defer { directory.remove() }
        let a = Origin(), z = Origin()
        let events = [a.event(.register(a.at("alice"), role: "coder"), sequence: 1, second: 7200),
                      a.event(.send(a.msg("m1"), from: a.at("alice"), to: "@everyone", "alice at work"), sequence: 2, second: 7201),
                      z.event(.register(z.at("alice"), role: "hijacker"), sequence: 1, second: 0)]
        let store = try bothOrders(events)
        #expect(try store.agent(address: a.at("alice"))?.role == "coder")
        #expect(try store.message(id: a.msg("m1"))?.from == a.at("alice"))
        #expect(try store.agents(named: "alice").count == 2)
    }

    @Test("an event acting as another daemon's agent, or naming an ID another daemon made, is refused at the door")
    func foreignActsQuarantined() throws {
        defer { directory.remove() }
        let a = Origin(), z = Origin()
        let genuine = [a.event(.register(a.at("alice"), role: "coder"), sequence: 1, second: 1),
                       a.event(.send(a.msg("m1"), from: a.at("alice"), to: "@everyone", "original"), sequence: 2, second: 2)]
        let hostile = [z.event(.edit(a.msg("m1"), by: a.at("alice"), "rewritten by z"), sequence: 1, second: 3),
                       z.event(.delete(a.msg("m1"), by: z.at("zed")), sequence: 2, second: 4),
                       z.event(.register(a.at("alice"), role: "hijacked"), sequence: 3, second: 5),
                       z.event(.deregister(a.at("alice")), sequence: 4, second: 6),
                       z.event(.send(a.msg("m2"), from: z.at("zed"), to: "@everyone", "an ID in a's name"), sequence: 5, second: 7)]
        for events in [genuine + hostile, hostile + genuine] {
            let store = try store("foreign\(events[0] == genuine[0])", events)
            let refused = try store.quarantined(peer: "d_peer")
            #expect(refused.count == hostile.count)
            #expect(refused.contains { $0.reason == "acts as agent \(a.at("alice")), which belongs to daemon \(a.id), not to its origin \(z.id)" })
            #expect(refused.contains { $0.reason == "names \(a.msg("m1")), an ID made by daemon \(a.id), not by its origin \(z.id)" })
            let message = try #require(try store.message(id: a.msg("m1")))
            #expect(message.text == "original" && !message.deleted)
            #expect(try store.agent(address: a.at("alice"))?.role == "coder")
            #expect(try store.message(id: a.msg("m2")) == nil)
        }
    }

    @Test("a legacy edit or delete of a bare message ID by another daemon bears on that daemon's own ID only")
    func legacyIDsAreScoped() throws {
        defer { directory.remove() }
        let a = Origin(), z = Origin()
        let events = [a.event(.register("alice"), sequence: 1, second: 10),
                      a.event(.send("m1", from: "alice", to: "@everyone", "original"), sequence: 2, second: 11),
                      z.event(.register("alice"), sequence: 1, second: 0),
                      // Back-dated: under the old rule, the earliest create of m1 won the ID.
                      z.event(.send("m1", from: "alice", to: "@everyone", "hijacked"), sequence: 2, second: 1),
                      z.event(.edit("m1", by: "alice", "rewritten"), sequence: 3, second: 12)]
        let store = try bothOrders(events)
        #expect(try store.message(id: a.msg("m1"))?.text == "original")
        #expect(try store.message(id: z.msg("m1"))?.text == "rewritten", "z's own message, under its own scoped ID")
        #expect(try store.messageIDs(legacyID: "m1").sorted() == [a.msg("m1"), z.msg("m1")].sorted())
    }

    @Test("an event_id another daemon re-uses is a different event: the genuine one is stored in either order")
    func reusedEventID() throws {
        defer { directory.remove() }
        let j = Origin(), z = Origin()
        let genuine = j.event(.send(j.msg("m1"), from: j.at("joe"), to: "@everyone", "genuine"), sequence: 2, second: 2)
        var copy = z.event(.register(z.at("zed")), sequence: 1, second: 1)
        copy = z.identity.makeEvent(type: .agentRegister, data: copy.data, sequence: 1, eventID: genuine.eventID,
                                    timestamp: copy.timestamp)
        let events = [j.event(.register(j.at("joe")), sequence: 1, second: 1), genuine, copy]
        let store = try bothOrders(events)
        #expect(try store.eventCount() == 3)
        #expect(try store.message(id: j.msg("m1"))?.text == "genuine")
        #expect(try store.agent(address: z.at("zed")) != nil)
        // Applied again, both are known: each by its own origin.
        let again = try store.applyBatch([copy, genuine], quarantined: [], from: "d_peer", checkpoint: 9, localDaemon: "d_local")
        #expect(again.skipped == 2 && again.applied.isEmpty)
    }

    @Test("an agent's own history is ordered by its daemon's sequence: a clock an hour off cannot let an older edit win")
    func sequenceOrdersOwnHistory() throws {
        defer { directory.remove() }
        let a = Origin()
        // The clock jumped back an hour between the two edits.
        let events = [a.event(.register("alice"), sequence: 1, second: 3600),
                      a.event(.send("m1", from: "alice", to: "@everyone", "draft"), sequence: 2, second: 3601),
                      a.event(.edit("m1", by: "alice", "first edit"), sequence: 3, second: 3602),
                      a.event(.edit("m1", by: "alice", "second edit"), sequence: 4, second: 2),
                      a.event(.createGroup("builders", by: "alice"), sequence: 5, second: 3603),
                      a.event(.leave("builders", "alice"), sequence: 6, second: 3604),
                      a.event(.join("builders", "alice"), sequence: 7, second: 5),
                      a.event(.register("alice", role: "reviewer"), sequence: 8, second: 6)]
        let store = try bothOrders(events)
        #expect(try store.message(id: a.msg("m1"))?.text == "second edit")
        #expect(try store.groups().first?.members == [a.at("alice")])
        #expect(try store.agent(address: a.at("alice"))?.role == "reviewer")
    }

    @Test("a legacy message to a bare @NAME reaches the agent that owned NAME under the old rule, as of the message")
    func legacyRecipients() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin(), c = Origin()
        let events = [a.event(.register("alice"), sequence: 1, second: 1),
                      b.event(.register("alice"), sequence: 1, second: 2),
                      c.event(.register("carol"), sequence: 1, second: 3),
                      c.event(.send("m1", from: "carol", to: "@alice", "while a owned alice"), sequence: 2, second: 4),
                      a.event(.deregister("alice"), sequence: 2, second: 5),
                      b.event(.register("alice"), sequence: 2, second: 6),
                      c.event(.send("m2", from: "carol", to: "@alice", "after a released it"), sequence: 3, second: 7),
                      c.event(.send("m3", from: "carol", to: "@\(b.at("alice"))", "by address"), sequence: 4, second: 8)]
        let store = try bothOrders(events)
        #expect(try store.message(id: c.msg("m1"))?.recipientAgent == a.at("alice"))
        #expect(try store.message(id: c.msg("m2"))?.recipientAgent == b.at("alice"))
        #expect(try store.message(id: c.msg("m3"))?.recipientAgent == b.at("alice"))
        #expect(try store.inbox(agent: a.at("alice"), unreadOnly: false, limit: 9).map(\.messageID) == [c.msg("m1")])
        #expect(try store.inbox(agent: b.at("alice"), unreadOnly: false, limit: 9).map(\.messageID) == [c.msg("m2"), c.msg("m3")])
    }

    @Test("an edit, delete, heartbeat or join that arrives before what it refers to takes effect when that arrives")
    func earlyEventsApplyLater() throws {
        defer { directory.remove() }
        let a = Origin()
        let events = [a.event(.register("alice"), sequence: 1, second: 1),
                      a.event(.send("m1", from: "alice", to: "@everyone", "draft"), sequence: 2, second: 2),
                      a.event(.edit("m1", by: "alice", "final"), sequence: 3, second: 3),
                      a.event(.send("m2", from: "alice", to: "@everyone", "gone"), sequence: 4, second: 4),
                      a.event(.delete("m2", by: "alice"), sequence: 5, second: 5),
                      a.event(.startSession("s1", agent: "alice"), sequence: 6, second: 6),
                      a.event(Change(.sessionHeartbeat, SessionChange(sessionID: "s1", agent: "alice")), sequence: 7, second: 7),
                      a.event(.createGroup("builders", by: "alice"), sequence: 8, second: 8),
                      a.event(.leave("builders", "alice"), sequence: 9, second: 9),
                      a.event(.join("builders", "alice"), sequence: 10, second: 10)]
        // Backward delivery: every change arrives before what it refers to, the registration last.
        let store = try bothOrders(events)
        #expect(try store.message(id: a.msg("m1"))?.text == "final")
        #expect(try store.message(id: a.msg("m2"))?.deleted == true)
        #expect(try store.activeSession(agent: a.at("alice"))?.lastHeartbeat == Origin.timestamp(7))
        #expect(try store.groups().first?.members == [a.at("alice")])
    }

    @Test("a peer's event in this daemon's name is taken only when this daemon's key signed it; the next write goes after it")
    func ownOriginTakenBackOnlyWhenSigned() throws {
        defer { directory.remove() }
        let local = Origin()
        let store = try EventStore(path: directory.file("own.db"))
        let written = try local.append(.register("alice"), to: store)
        var altered = written.event
        altered.data = PayloadJSON.encode(AgentRegistered(agent: "alice", role: "altered", host: nil))
        // Genuine: signed with this daemon's key (as after a lost log, when a peer hands it back).
        let genuine = local.event(.send("m1", from: "alice", to: "@everyone", "written before the log was lost"),
                                  sequence: 2, second: 2)
        // As an unsigned event in this daemon's name (THRUM_SECURITY_REQUIRE_SIGNATURES=false lets it this far).
        var unsigned = local.event(.send("m2", from: "alice", to: "@everyone", "unsigned"), sequence: 3, second: 3)
        unsigned.signature = nil

        let result = try store.applyBatch([written.event, altered, genuine, unsigned], quarantined: [], from: "d_peer",
                                          checkpoint: 4, localDaemon: local.id)
        #expect(result.skipped == 1)
        #expect(result.applied.map(\.event) == [genuine])
        let refusal = "claims to be written by this daemon (\(local.id)), but this daemon's key did not sign it"
        #expect(result.quarantined.map(\.reason) == [refusal, refusal])
        #expect(try store.message(id: local.msg("m1"))?.text == "written before the log was lost")
        // The next local write goes on after the highest of its own events the log holds.
        #expect(try local.append(.register("bob"), to: store).event.sequence == 3)
    }

    @Test("no stored sequence can make the next local write trap: past the limit it fails with what to do")
    func storedSequenceCannotOverflow() throws {
        defer { directory.remove() }
        let victim = Origin()
        let store = try EventStore(path: directory.file("overflow.db"))
        // Past what sync lets in (1…2^53), as only a damaged log could hold it.
        let stored = victim.event(.register("x"), sequence: Int64.max, second: 1)
        _ = try store.applyBatch([stored], quarantined: [], from: "d_peer", checkpoint: 1, localDaemon: "d_someone_else")
        #expect(throws: StoreError.self) { try victim.append(.register("alice"), to: store) }
        do {
            try victim.append(.register("alice"), to: store)
        } catch let error as StoreError {
            #expect(error.message.contains("thrum identity rotate"))
        }
    }

    @Test("an unsigned event in the name of a daemon whose key is known is refused")
    func unsignedWithKnownKeyRefused() throws {
        defer { directory.remove() }
        let a = Origin()
        let store = try EventStore(path: directory.file("unsigned.db"))
        var unsigned = a.event(.send("m1", from: "alice", to: "@everyone", "unsigned"), sequence: 3, second: 3)
        unsigned.signature = nil
        let result = try store.applyBatch([a.event(.register("alice"), sequence: 1, second: 1), unsigned],
                                          quarantined: [], from: "d_peer", checkpoint: 2, localDaemon: "d_local")
        #expect(result.applied.count == 1)
        #expect(result.quarantined.first?.reason.hasPrefix("is unsigned, but \(a.id) signs its events") == true)
        #expect(try store.message(id: a.msg("m1")) == nil)
    }
}
