import ThrumTestSupport
import Testing
import ThrumStore
import ThrumCore

/// DESIGN §5, delivery states: receipts are events of the recipient's own daemon, count only for
/// a message's real recipients, and give the same state in any arrival order.
@Suite("Delivery: read and acknowledged, per recipient")
struct DeliveryTests {
    let directory: TemporaryFolder
    init() throws { directory = try TemporaryFolder() }

    /// The store after `events` in the given order and in reverse, checked equal; the first one.
    func bothOrders(_ events: [Event], _ name: String = #function) throws -> EventStore {
        let forward = try directory.store(name.filter(\.isLetter) + "-f", pulling: events)
        let backward = try directory.store(name.filter(\.isLetter) + "-b", pulling: events.reversed())
        #expect(try forward.projectionSnapshot() == backward.projectionSnapshot())
        backward.close()
        return forward
    }

    func receipt(_ origin: Origin, _ agent: String, read: [String] = [], ack: [(String, String?)] = []) -> Change {
        Change(.messageReceipt, MessageReceipt(agent: origin.at(agent), read: read,
                                               acknowledged: ack.map { .init(messageID: $0.0, note: $0.1) }))
    }

    @Test("a direct message: the first read and the first acknowledgement stand, in any order, and again changes nothing")
    func directMessage() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin()
        let id = a.msg("m1")
        let events = a.events([.register("alice"), Change(.messageCreate, MessageCreated(
            messageID: "m1", from: "alice", to: "@" + b.at("bob"), text: "review PR 12", threadID: nil, replyTo: nil,
            ackRequired: true))])
            + b.events([.register("bob"), receipt(b, "bob", read: [id]), receipt(b, "bob", read: [id]),
                        receipt(b, "bob", ack: [(id, "on it")]), receipt(b, "bob", ack: [(id, "again")])])
        let store = try bothOrders(events)
        let rows = try store.deliveries(of: id)
        #expect(rows.map(\.recipient) == [b.at("bob")])
        #expect(rows.first?.readAt == Origin.timestamp(2))
        #expect(rows.first?.acknowledgedAt == Origin.timestamp(4))
        #expect(rows.first?.note == "on it")
        #expect(try store.message(id: id)?.ackRequired == true)
    }

    @Test("a receipt from anyone but a recipient has no effect; one acting as another daemon's agent is refused at the door")
    func onlyRecipientsCount() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin(), z = Origin()
        let id = a.msg("m1")
        let events = a.events([.register("alice"), .send("m1", from: "alice", to: "@" + b.at("bob"), "for bob only")])
            + b.events([.register("bob"), .register("carol"), receipt(b, "carol", read: [id], ack: [(id, nil)])])
            + z.events([.register("bob"), receipt(z, "bob", read: [id], ack: [(id, "not yours")])])
        let store = try bothOrders(events)
        #expect(try store.deliveries(of: id) == [DeliveryRow(messageID: id, recipient: b.at("bob"), readAt: nil,
                                                              acknowledgedAt: nil, note: nil)])
        // Reported, the same in both orders: carol's receipt and z's own bob's, each once.
        #expect(try store.ignoredReceipts(of: id).map(\.agent) == [b.at("carol"), z.at("bob")].sorted())
        #expect(try store.ignoredReceipts(of: id).map(\.origin) == [(b.at("carol"), b.id), (z.at("bob"), z.id)]
            .sorted { $0.0 < $1.0 }.map(\.1))
        let early = try directory.store("early", pulling: b.events([.register("bob"), .register("carol"),
                                                                     receipt(b, "carol", read: [id])]))
        #expect(try early.ignoredReceipts(of: id).isEmpty, "before the message, whom it is for is not known")
        early.close()
        let forged = z.event(Change(.messageReceipt, MessageReceipt(agent: b.at("bob"), read: [id])), sequence: 3, second: 3)
        let result = try store.applyBatch([forged], quarantined: [], from: "d_peer", checkpoint: 99, localDaemon: "d_local")
        #expect(result.quarantined.first?.stage == ValidationStage.identity.rawValue)
        #expect(try store.deliveries(of: id).first?.readAt == nil)
    }

    @Test("a group message's recipients are those its create names: a member who joins later is not one")
    func groupRecipientsFixedAtWrite() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin()
        let id = a.msg("m1")
        let events = a.events([.register("alice"), .createGroup("builders", by: "alice"),
                               Change(.messageCreate, MessageCreated(messageID: "m1", from: "alice", to: "@builders",
                                                                     text: "standup", threadID: nil, replyTo: nil,
                                                                     recipients: [b.at("bob")]))])
            + b.events([.register("bob"), .register("dave"), .join("builders", "bob"), .join("builders", "dave"),
                        receipt(b, "bob", read: [id]), receipt(b, "dave", read: [id], ack: [(id, nil)])])
        let store = try bothOrders(events)
        let rows = try store.deliveries(of: id)
        #expect(rows.map(\.recipient) == [b.at("bob")])
        #expect(rows.first?.readAt != nil)
        // dave sees the message in his inbox as a member, but is not counted as a recipient.
        #expect(try store.inbox(agent: b.at("dave"), unreadOnly: false, limit: 10).map(\.messageID) == [id])
        #expect(try store.unreadDeliveries(to: b.at("dave"), among: [id]).isEmpty)
    }

    @Test("one receipt names many messages; a receipt that arrives before its message counts once the message does")
    func batchedAndEarly() throws {
        defer { directory.remove() }
        let a = Origin(), b = Origin()
        let ids = (1...20).map { a.msg("m\($0)") }
        let sends = (1...20).map { Change.send("m\($0)", from: "alice", to: "@" + b.at("bob"), "message \($0)") }
        let early = b.events([.register("bob"), receipt(b, "bob", read: ids)])
        let store = try directory.store("batched", pulling: early)
        #expect(try store.deliveries(of: ids[0]).isEmpty)
        _ = try store.applyBatch(a.events([.register("alice")] + sends), quarantined: [], from: "d_peer", checkpoint: 9,
                                 localDaemon: "d_local")
        #expect(try ids.allSatisfy { try store.deliveries(of: $0).first?.readAt == Origin.timestamp(2) })
        #expect(try store.unreadDeliveries(to: b.at("bob"), among: ids).isEmpty)
        #expect(try store.sent(by: a.at("alice"), limit: 100).count == 20)
    }
}
