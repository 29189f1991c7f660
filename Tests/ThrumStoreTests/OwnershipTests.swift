import ThrumTestSupport
import Testing
import ThrumStore
import ThrumCore

/// DESIGN §5: an agent name has one owner daemon, decided from the events alone, and only the
/// owner's events acting as the agent take effect. Each case is applied in both arrival orders.
@Suite("Ownership and authority")
struct OwnershipTests {
    let directory: TemporaryFolder
    init() throws { directory = try TemporaryFolder() }

    /// Applies `events` one batch each to a fresh store, in order, and returns it.
    func store(_ name: String, _ events: [Event]) throws -> EventStore {
        let store = try EventStore(path: directory.file(name + ".db"))
        for (index, event) in events.enumerated() {
            _ = try store.applyBatch([event], quarantined: [], from: "d_peer", checkpoint: Int64(index + 1),
                                     localDaemon: "d_local")
        }
        return store
    }

    /// The store after `events` in the given order and in reverse, checked equal; the first one.
    func bothOrders(_ events: [Event], _ name: String = #function) throws -> EventStore {
        let forward = try store(name.filter(\.isLetter) + "-f", events)
        let backward = try store(name.filter(\.isLetter) + "-b", events.reversed())
        #expect(try forward.projectionSnapshot() == backward.projectionSnapshot())
        backward.close()
        return forward
    }

    @Test("two daemons register one name: the earlier registration wins everywhere, the other's events have no effect")
    func concurrentRegistration() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin()
        let events = [a.event(.register("reviewer", role: "from-a"), sequence: 1, second: 5),
                      a.event(.send("m-a", from: "reviewer", to: "@everyone", "from a"), sequence: 2, second: 6),
                      b.event(.register("reviewer", role: "from-b"), sequence: 1, second: 3),
                      b.event(.send("m-b", from: "reviewer", to: "@everyone", "from b"), sequence: 2, second: 7)]
        let store = try bothOrders(events)
        let agent = try #require(try store.agent(named: "reviewer"))
        #expect(agent.originDaemon == b.id)
        #expect(agent.role == "from-b")
        #expect(try store.message(id: "m-b") != nil)
        #expect(try store.message(id: "m-a") == nil)
        #expect(try store.agentsLost(by: a.id).map(\.name) == ["reviewer"])
        #expect(try store.agentsLost(by: b.id).isEmpty)
        let reasons = Dictionary(uniqueKeysWithValues: try store.conflicts(limit: 10).map { ($0.eventID, $0.reason) })
        #expect(reasons[events[0].eventID] == "agent reviewer is already registered by \(b.id) on host-1")
        #expect(reasons[events[1].eventID] == "agent reviewer belongs to \(b.id) on host-1, not to \(a.id)")
        #expect(reasons.count == 2)
    }

    @Test("another daemon cannot edit, delete, re-register or deregister an agent it does not own")
    func foreignActsHaveNoEffect() throws {
        defer { directory.remove() }
        let a = Origin(), z = Origin()
        let events = [a.event(.register("alice", role: "coder"), sequence: 1, second: 1),
                      a.event(.send("m1", from: "alice", to: "@everyone", "original"), sequence: 2, second: 2),
                      z.event(.edit("m1", by: "alice", "rewritten by z"), sequence: 1, second: 3),
                      z.event(.delete("m1", by: "alice"), sequence: 2, second: 4),
                      z.event(.register("alice", role: "hijacked"), sequence: 3, second: 5),
                      z.event(.deregister("alice"), sequence: 4, second: 6),
                      z.event(.register("zed"), sequence: 5, second: 7),
                      z.event(.edit("m1", by: "zed", "edited by another author"), sequence: 6, second: 8)]
        let store = try bothOrders(events)
        let message = try #require(try store.message(id: "m1"))
        #expect(message.text == "original")
        #expect(!message.deleted)
        let alice = try #require(try store.agent(named: "alice"))
        #expect(alice.originDaemon == a.id && alice.role == "coder" && !alice.deregistered)
        let conflicts = try store.conflicts(limit: 10)
        #expect(Set(conflicts.map(\.eventID)) == Set([2, 3, 4, 5, 7].map { events[$0].eventID }))
        #expect(conflicts.first { $0.eventID == events[7].eventID }?.reason == "zed is not the author of m1 (its author is alice)")
        #expect(conflicts.first { $0.eventID == events[5].eventID }?.ownerDaemon == a.id)
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
        #expect(try store.message(id: "m1")?.text == "final")
        #expect(try store.message(id: "m2")?.deleted == true)
        #expect(try store.activeSession(agent: "alice")?.lastHeartbeat == Origin.timestamp(7))
        #expect(try store.groups().first?.members == ["alice"])
    }

    @Test("a released name can be registered by another daemon; the first owner's later events lose effect")
    func releasedNameMoves() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin()
        let events = [a.event(.register("bot"), sequence: 1, second: 1),
                      a.event(.send("m1", from: "bot", to: "@everyone", "while a owned it"), sequence: 2, second: 2),
                      a.event(.deregister("bot"), sequence: 3, second: 3),
                      b.event(.register("bot"), sequence: 1, second: 4),
                      a.event(.send("m2", from: "bot", to: "@everyone", "after a released it"), sequence: 4, second: 5),
                      b.event(.send("m3", from: "bot", to: "@everyone", "b owns it now"), sequence: 2, second: 6)]
        let store = try bothOrders(events)
        #expect(try store.message(id: "m1") != nil, "what a wrote while it owned the name stands")
        #expect(try store.message(id: "m2") == nil)
        #expect(try store.message(id: "m3") != nil)
        #expect(try store.agent(named: "bot")?.originDaemon == b.id)
    }

    @Test("a peer's event in this daemon's name is refused unless it is the logged one, byte for byte")
    func ownOriginRefused() throws {
        defer { directory.remove() }
        let local = Origin()
        let store = try EventStore(path: directory.file("own.db"))
        let written = try local.append(.register("alice"), to: store)
        var altered = written.event
        altered.data = PayloadJSON.encode(AgentRegistered(agent: "alice", role: "altered", host: nil))
        let forged = local.event(.send("m1", from: "alice", to: "@everyone", "never written here"),
                                 sequence: 9_000_000_000_000_000, second: 2)
        // As an unsigned event in this daemon's name (THRUM_SECURITY_REQUIRE_SIGNATURES=false lets it this far).
        var unsigned = local.event(.send("m2", from: "alice", to: "@everyone", "unsigned"), sequence: 2, second: 3)
        unsigned.signature = nil

        let result = try store.applyBatch([written.event, altered, forged, unsigned], quarantined: [], from: "d_peer",
                                          checkpoint: 4, localDaemon: local.id)
        #expect(result.skipped == 1)
        #expect(result.applied.isEmpty)
        #expect(result.quarantined.map(\.reason) == [
            "claims to be this daemon's event \(written.event.eventID) but differs from the one in its log",
            "claims to be written by this daemon (\(local.id)), which never wrote it",
            "claims to be written by this daemon (\(local.id)), which never wrote it"])
        #expect(try store.quarantined(peer: "d_peer").count == 3)
        // The next local write goes on from the daemon's own sequence.
        #expect(try local.append(.register("bob"), to: store).event.sequence == 2)
    }

    @Test("no stored sequence can make the next local write trap: received events never count")
    func receivedSequenceCannotOverflow() throws {
        defer { directory.remove() }
        let victim = Origin()
        let store = try EventStore(path: directory.file("overflow.db"))
        // As an older version could have stored it: an event in the victim's name with Int64.max,
        // received from a peer (applied here under another local identity).
        let hostile = victim.event(.register("x"), sequence: Int64.max, second: 1)
        _ = try store.applyBatch([hostile], quarantined: [], from: "d_peer", checkpoint: 1, localDaemon: "d_someone_else")
        #expect(try victim.append(.register("alice"), to: store).event.sequence == 1)
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
        #expect(try store.message(id: "m1") == nil)
    }
}
