import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore
import ThrumStore

extension DaemonProcessTests {
/// A real daemon pulling one batch in which good events are mixed with every
/// kind of bad one (DESIGN §7): the bad are quarantined at the right stage,
/// the good applied, and nothing bad reaches a projection.
@Suite
struct QuarantineProcessTests {
    static func message(_ text: String, id: Int, to reader: String = "@reader", from: String = "crafty") -> String {
        PayloadJSON.encode(MessageCreated(messageID: "msg_crafted\(id)", from: from, to: reader, text: text,
                                          threadID: nil, replyTo: nil))
    }

    @Test func badEventsAreQuarantinedByStageAndTheGoodOnesOfTheBatchApplied() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let peer = CraftedPeer(directory: cluster.root)
        try peer.start()
        defer { peer.stop() }
        let b = try cluster.add("b", extra: ["THRUM_SECURITY_REQUIRE_SIGNATURES": "true",
                                             "THRUM_SECURITY_MAX_EVENT_SIZE": "64KiB"])
        try b.start()
        try b.ok(["agent", "register", "reader"])
        let reader = "@reader@" + (try cluster.health("b").daemonID)
        func message(_ text: String, id: Int, from: String = "crafty") -> String { Self.message(text, id: id, to: reader, from: from) }

        let other = DaemonIdentity(keyPair: .generate())
        let weekAgo = Timestamp.format(Date().addingTimeInterval(-7 * 24 * 3600))
        let inADay = Timestamp.format(Date().addingTimeInterval(25 * 3600))
        let register = PayloadJSON.encode(AgentRegistered(agent: "crafty", role: nil, host: "crafted"))
        let intruder = PayloadJSON.encode(AgentRegistered(agent: "intruder", role: nil, host: "crafted"))
        var seq: Int64 = 0
        func next() -> Int64 { seq += 1; return seq }

        let good = [
            peer.signed("agent.register", register, sequence: next()),
            peer.signed("message.create", message("good fresh", id: 1), sequence: next()),
            peer.signed("message.create", message("good from a week ago", id: 2), sequence: next(), timestamp: weekAgo),
            // Another daemon's own "crafty": a different agent, and its message takes effect.
            peer.signed("message.create", message("good relayed", id: 3), sequence: 1, by: other),
        ]
        var forged = peer.signed("agent.register", intruder, sequence: next())
        forged.signature = Data(other.keyPair.sign(forged.signingPayload)).base64EncodedString()
        var rewritten = peer.signed("message.create", Self.message("BAD original", id: 4), sequence: next())
        rewritten.data = Self.message("BAD rewritten after signing", id: 4)
        let impostor = peer.signed("message.create", Self.message("BAD impostor", id: 5), sequence: next()) {
            $0.originDaemon = other.daemonID
        }
        let unknownType = peer.signed("message.explode", Self.message("BAD unknown type", id: 6), sequence: next())
        let oversized = peer.signed("message.create", Self.message("BAD " + String(repeating: "x", count: 70_000), id: 7),
                                    sequence: next())
        let future = peer.signed("message.create", Self.message("BAD from tomorrow", id: 8), sequence: next(), timestamp: inADay)
        let actsAsReader = peer.signed("message.create", message("BAD as b's own reader", id: 10, from: String(reader.dropFirst())),
                                       sequence: next())
        var unsigned = peer.signed("message.create", Self.message("BAD unsigned", id: 9), sequence: next())
        unsigned.signature = nil
        let bad: [(Event, String)] = [(forged, "signature"), (rewritten, "signature"), (impostor, "signature"),
                                      (unknownType, "schema"), (oversized, "schema"), (future, "business"),
                                      (unsigned, "signature"), (actsAsReader, "identity")]
        // Interleaved, so good events follow bad ones inside the one page.
        try peer.append([good[0], bad[0].0, good[1], bad[1].0, bad[2].0, good[2], bad[3].0, bad[4].0, bad[5].0, good[3], bad[6].0, bad[7].0])

        try b.ok(["tsync", "peers", "add", peer.address])
        let outcome = try b.json(SyncOutcomes.self, ["tsync", "force"]).peers.first
        #expect(outcome?.error == nil)

        let quarantined = try b.json(QuarantineList.self, ["quarantine", "list", "--peer", peer.identity.daemonID]).events
        #expect(quarantined.count == bad.count)
        for (event, stage) in bad {
            let entry = quarantined.first { $0.eventID == event.eventID }
            #expect(entry?.stage == stage, "\(event.type) \(event.data.prefix(60)): \(entry?.reason ?? "not quarantined")")
            #expect(entry?.fromDaemon == peer.identity.daemonID)
            if event.eventID == oversized.eventID {
                #expect(entry?.eventJSON.contains("… (excerpt: the event was") == true, "an oversized event is kept as an excerpt")
                #expect((entry?.eventJSON.utf8.count ?? .max) < 4200)
            } else {
                #expect(entry?.eventJSON.contains(event.eventID) == true, "the raw event is kept")
            }
        }
        let stderr = b.process?.stderr ?? ""
        #expect(stderr.contains("[quarantine] event \(forged.eventID) from \(peer.identity.daemonID) quarantined: signature verification failed"))

        let texts = try b.json(MessageList.self, ["inbox"], agent: "reader").messages.map(\.text)
        #expect(Set(texts) == ["good fresh", "good from a week ago", "good relayed"])
        let quarantinedAsReader = quarantined.first { $0.eventID == actsAsReader.eventID }
        #expect(quarantinedAsReader?.reason == "acts as agent \(reader.dropFirst()), which belongs to daemon \(try cluster.health("b").daemonID), not to its origin \(peer.identity.daemonID)")
        #expect(try b.json(AgentList.self, ["agent", "list"]).agents.map(\.name).sorted() == ["crafty", "reader"])

        // The checkpoint moved past the bad ones: a second sync moves nothing.
        let received = try cluster.health("b").syncTraffic?.eventsReceived
        #expect(received == 12)
        let again = try b.json(SyncOutcomes.self, ["tsync", "force"]).peers.first
        #expect(again?.error == nil)
        #expect(again?.applied == 0 && again?.quarantined == 0)
        #expect(try cluster.health("b").syncTraffic?.eventsReceived == received, "nothing crossed the wire again")
        #expect(try b.json(QuarantineList.self, ["quarantine", "list"]).events.count == bad.count)
        #expect(!stderr.contains("more than 10"), "8 in an hour is no alert yet")

        // Five more forged events push the peer past 10 in the hour: a warning.
        try peer.append((0..<5).map { i in
            var event = peer.signed("message.create", Self.message("BAD again \(i)", id: 10 + i), sequence: next())
            event.signature = forged.signature
            return event
        })
        #expect(try b.json(SyncOutcomes.self, ["tsync", "force"]).peers.first?.quarantined == 5)
        #expect(b.process?.stderr.contains("[quarantine] peer \(peer.identity.daemonID) has 13 events quarantined in the last hour (more than 10)") == true)
        let table = try b.ok(["quarantine", "list"])
        #expect(table.contains("STAGE") && table.contains("signature verification failed"))
    }
}
}
