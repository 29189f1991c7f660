import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore

extension DaemonProcessTests {
/// DESIGN §5 at process level, through the CLI: a validly signed hostile daemon (a crafted
/// peer, Z) tries each of issue 20's attacks on real daemons, and each is tried in both
/// arrival orders. Every identifier stays with the daemon that made it.
@Suite
struct IdentityProcessTests {
    static let twoHoursAgo = Timestamp.format(Date().addingTimeInterval(-2 * 3600))

    @Test func aBackDatedRegistrationOfTheSameNameTakesNothingFromTheAgentThatHasIt() async throws {
        try await offThePool { try Self.backDatedRegistration() }
    }

    static func backDatedRegistration() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let z = CraftedPeer(directory: cluster.root)
        try z.start()
        defer { z.stop() }
        try z.append([z.signed("agent.register", PayloadJSON.encode(AgentRegistered(agent: "alice", role: "hijacker", host: "a")),
                               sequence: 1, timestamp: twoHoursAgo)])
        // First: Z's registration arrives after alice has worked on a. Then: before alice registers on b.
        let a = try cluster.add("a"), b = try cluster.add("b")
        for node in [a, b] { try node.start() }
        try a.ok(["agent", "register", "alice"])
        try a.ok(["agent", "register", "bob"])
        let before = try a.ok(["send", "--to", "@bob", "before Z"], agent: "alice").trimmed
        try a.ok(["tsync", "peers", "add", z.address])
        try b.ok(["tsync", "peers", "add", z.address])
        try b.ok(["agent", "register", "alice"])

        for (node, id) in [(a, "a"), (b, "b")] {
            let daemon = try cluster.health(id).daemonID
            let alices = try node.json(AgentList.self, ["agent", "list"]).agents.filter { $0.name == "alice" }
            #expect(alices.map(\.address).sorted() == ["alice@\(daemon)", "alice@\(z.identity.daemonID)"].sorted())
            #expect(alices.first { $0.originDaemon == daemon }?.role == nil, "this daemon's alice is untouched")
            // Z's payload says host "a": an address by host trusts only hosts this daemon verified.
            #expect(alices.first { $0.originDaemon == z.identity.daemonID }?.host == "crafted")
            let sent = try node.cli(["send", "--to", "@everyone", "alice still works"], agent: "alice")
            #expect(sent.code == 0, "\(sent.stderr)")
        }
        #expect(try a.json(MessageRecord.self, ["message", "read", before, "--json"], agent: "bob").from == "alice@\(try cluster.health("a").daemonID)")
        #expect(a.process?.stderr.contains("[conflict]") == false)
    }

    @Test func anEventIDOrMessageIDAnotherDaemonReusesNeverHidesOrReplacesTheGenuineOne() async throws {
        try await offThePool { try Self.reusedIDs() }
    }

    static func reusedIDs() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let j = try cluster.add("j"), first = try cluster.add("zfirst"), second = try cluster.add("jfirst")
        for node in [j, first, second] { try node.start() }
        try j.ok(["agent", "register", "joe"])
        let genuine = try j.json(ControlResults.Written.self, ["send", "--to", "@everyone", "the genuine text", "--json"],
                                 agent: "joe")
        let messageID = try #require(genuine.messageID)
        let jID = try cluster.health("j").daemonID
        #expect(ScopedID.origin(of: messageID) == jID, "a message ID names the daemon that made it")
        let legacyPart = String(messageID.dropLast(jID.count + 1))

        let z = CraftedPeer(directory: cluster.root)
        try z.start()
        defer { z.stop() }
        func create(_ id: String, _ text: String) -> String {
            PayloadJSON.encode(MessageCreated(messageID: id, from: "zed", to: "@everyone", text: text, threadID: nil, replyTo: nil))
        }
        try z.append([
            z.signed("agent.register", PayloadJSON.encode(AgentRegistered(agent: "zed", role: nil, host: nil)),
                     sequence: 1, timestamp: twoHoursAgo),
            // Z's own event under J's event_id: under the old dedup it hid J's message from whoever pulled Z first.
            z.signed("message.create", create("msg_z1", "suppressor"), sequence: 2, timestamp: twoHoursAgo) {
                $0.eventID = genuine.eventID
            },
            // J's message ID, back-dated: refused at the door.
            z.signed("message.create", create(messageID, "hijacked text"), sequence: 3, timestamp: twoHoursAgo),
            // J's ID without its daemon: Z's own message, under Z's own scoped ID.
            z.signed("message.create", create(legacyPart, "z's own"), sequence: 4, timestamp: twoHoursAgo),
        ])
        // One receiver pulls from Z first, the other from J first.
        try first.ok(["tsync", "peers", "add", z.address])
        try first.ok(["tsync", "peers", "add", try cluster.address("j")])
        try second.ok(["tsync", "peers", "add", try cluster.address("j")])
        try second.ok(["tsync", "peers", "add", z.address])
        var inboxes: [[String]] = []
        for node in [first, second] {
            try node.ok(["agent", "register", "reader"])
            try eventuallyBlocking("both peers pulled") {
                for _ in 0..<2 { _ = try node.ok(["tsync", "force"]) }
                return try node.json(MessageList.self, ["inbox"], agent: "reader").messages.count == 3
            }
            let read = try node.json(MessageRecord.self, ["message", "read", messageID, "--json"], agent: "reader")
            #expect(read.text == "the genuine text" && read.from == "joe@\(jID)")
            let quarantined = try node.json(QuarantineList.self, ["quarantine", "list"]).events
            #expect(quarantined.map(\.reason) == ["names \(messageID), an ID made by daemon \(jID), not by its origin \(z.identity.daemonID)"])
            #expect(quarantined.first?.stage == "identity")
            let ambiguous = try node.cli(["message", "read", legacyPart], agent: "reader")
            #expect(ambiguous.code == 3 && ambiguous.stderr.contains(messageID), "\(ambiguous.stderr)")
            inboxes.append(try node.json(MessageList.self, ["inbox"], agent: "reader").messages.map { "\($0.messageID) \($0.text)" })
        }
        #expect(inboxes[0] == inboxes[1], "the receivers agree whatever they pulled first")
        #expect(Set(inboxes[0]) == ["\(messageID) the genuine text", "msg_z1-\(z.identity.daemonID) suppressor",
                                    "\(legacyPart)-\(z.identity.daemonID) z's own"])
    }
}
}
