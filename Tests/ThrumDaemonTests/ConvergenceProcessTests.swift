import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore
import ThrumStore
#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcessTests {
/// Issue 9 at process level: three daemons, a partition during which two of them register the
/// same agent name and act as it, then healing. Every daemon ends with the same agents, groups
/// and messages, and the daemon that lost the name is told.
@Suite
struct ConvergenceProcessTests {
    /// What a daemon shows of the shared state, without its local read marks.
    struct View: Equatable, CustomStringConvertible {
        var agents: String
        var groups: String
        var inbox: [String]

        var description: String { "agents \(agents)\ngroups \(groups)\ninbox \(inbox)" }
    }

    static func view(of node: DaemonFixture) throws -> View {
        let inbox = try node.json(MessageList.self, ["inbox", "--json"], agent: "carol").messages
        return View(agents: try node.ok(["agent", "list", "--json"]), groups: try node.ok(["group", "list", "--json"]),
                    inbox: inbox.map { "\($0.messageID) \($0.from) \($0.originDaemon) \($0.text) edited=\($0.editedAt != nil)" })
    }

    @Test func afterAPartitionHealsAllDaemonsAgreeAndTheLoserIsTold() async throws {
        try await offThePool { try Self.partitionAndHeal() }
    }

    static func partitionAndHeal() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let a = try cluster.add("a"), b = try cluster.add("b"), c = try cluster.add("c")
        for node in [a, b, c] { try node.start() }
        // Partition: a and c talk; b is cut off.
        try cluster.pairBothWays("a", "c")
        try c.ok(["agent", "register", "carol"])
        try a.ok(["group", "create", "builders"], agent: try { try a.ok(["agent", "register", "alice"]); return "alice" }())

        // Both sides register "reviewer"; a does so first.
        try a.ok(["agent", "register", "reviewer", "--role", "from-a"])
        try b.ok(["agent", "register", "reviewer", "--role", "from-b"])
        try b.ok(["group", "create", "builders"], agent: "reviewer")
        try a.ok(["group", "join", "builders"], agent: "reviewer")
        let fromA = try a.json(ControlResults.Written.self, ["send", "--to", "@everyone", "draft from a", "--json"], agent: "reviewer")
        let fromB = try b.json(ControlResults.Written.self, ["send", "--to", "@everyone", "from b", "--json"], agent: "reviewer")
        try a.ok(["message", "edit", try #require(fromA.messageID), "final from a"], agent: "reviewer")
        try b.ok(["group", "leave", "builders"], agent: "reviewer")

        // Heal the partition.
        try cluster.pairBothWays("a", "b")
        try cluster.pairBothWays("b", "c")
        try eventuallyBlocking("every daemon holds every event") {
            for node in [a, b, c] { _ = try node.ok(["tsync", "force"]) }
            let counts = try ["a", "b", "c"].map { try cluster.health($0).eventCount }
            return Set(counts).count == 1
        }

        let views = try [a, b, c].map(Self.view)
        #expect(views[1] == views[0], "b differs from a:\n\(views[1])\n---\n\(views[0])")
        #expect(views[2] == views[0], "c differs from a:\n\(views[2])\n---\n\(views[0])")

        let agents = try c.json(AgentList.self, ["agent", "list", "--json"]).agents
        let aID = try a.json(ControlResults.Identity.self, ["identity", "--json"]).daemonID
        #expect(agents.first { $0.name == "reviewer" }?.originDaemon == aID)
        #expect(agents.first { $0.name == "reviewer" }?.role == "from-a")
        let groups = try c.json(GroupList.self, ["group", "list", "--json"]).groups
        #expect(groups.map(\.name) == ["builders"])
        #expect(groups.first?.createdBy == "alice")
        #expect(groups.first?.members == ["alice", "reviewer"], "b's leave as reviewer has no effect")
        #expect(views[0].inbox.contains { $0.contains("final from a edited=true") })
        #expect(!views[0].inbox.contains { $0.contains(try! #require(fromB.messageID)) }, "b's message as reviewer has no effect")

        // The loser is told: in its status, in its log, and when it tries to act as the agent.
        #expect(try b.ok(["status"]).contains("Agent reviewer was registered here but belongs to \(aID) on a"))
        #expect(b.process?.stderr.contains("[conflict] agent reviewer was registered on this daemon, but \(aID) on a registered it first") == true)
        let refused = try b.cli(["send", "--to", "@everyone", "still trying"], agent: "reviewer")
        #expect(refused.code == 77)
        #expect(refused.stderr.contains("agent \"reviewer\" belongs to daemon \(aID) on host a"))
        #expect(try b.cli(["agent", "register", "reviewer"]).code == 77)
        #expect(try b.ok(["conflicts"]).contains("agent reviewer is already registered by \(aID) on a"))
    }

    @Test func aNodeThatCannotProveTheKeyItClaimsIsNotRegistered() async throws {
        try await offThePool { try Self.impostorRefused() }
    }

    static func impostorRefused() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let honest = CraftedPeer(directory: cluster.root + "/honest")
        let impostor = CraftedPeer(directory: cluster.root + "/impostor", impersonating: honest.identity)
        for peer in [honest, impostor] {
            mkdir(peer.directory, 0o700)
            try peer.start()
        }
        defer { honest.stop(); impostor.stop() }
        let b = try cluster.add("b")
        try b.start()

        try b.ok(["tsync", "peers", "add", honest.address])
        let refused = try b.cli(["tsync", "peers", "add", impostor.address])
        #expect(refused.code != 0)
        #expect(refused.stderr.contains("did not sign the key challenge"))
        let peers = try b.json(PeerList.self, ["tsync", "peers", "list", "--json"]).peers
        #expect(peers.map(\.address) == [honest.address], "the honest daemon's entry stays where it was")
        #expect(b.process?.stderr.contains("[sync_auth] DENIED peer at \(impostor.address): failed the key proof") == true)
    }
}
}
