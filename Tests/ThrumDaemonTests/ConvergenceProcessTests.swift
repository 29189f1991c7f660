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
/// Three daemons, a partition during which two of them register the same agent name and act as
/// it, then healing. Every daemon ends with the same agents, groups and messages; both agents
/// called reviewer keep everything they wrote, and a bare `reviewer` is asked about.
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

    @Test func afterAPartitionHealsAllDaemonsAgreeAndNoWriteIsVoided() async throws {
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

        // Two agents called reviewer, one per daemon; neither's writes were voided.
        let agents = try c.json(AgentList.self, ["agent", "list", "--json"]).agents
        let aID = try a.json(ControlResults.Identity.self, ["identity", "--json"]).daemonID
        let bID = try b.json(ControlResults.Identity.self, ["identity", "--json"]).daemonID
        let reviewers = agents.filter { $0.name == "reviewer" }
        #expect(reviewers.map(\.address).sorted() == ["reviewer@\(aID)", "reviewer@\(bID)"].sorted())
        #expect(reviewers.first { $0.originDaemon == aID }?.role == "from-a")
        #expect(reviewers.first { $0.originDaemon == bID }?.role == "from-b")
        #expect(Set(reviewers.map(\.display)) == ["reviewer@a", "reviewer@b"], "an ambiguous name is shown with its host")
        let groups = try c.json(GroupList.self, ["group", "list", "--json"]).groups
        #expect(groups.map(\.name) == ["builders"])
        #expect(groups.first?.createdBy == "alice@\(aID)")
        #expect(groups.first?.members == ["alice@\(aID)", "reviewer@\(aID)"].sorted(), "b's reviewer joined and left")
        #expect(views[0].inbox.contains { $0.contains("final from a edited=true") })
        // Every acknowledged message is readable on every daemon, and says who wrote it.
        for node in [a, b, c] {
            for (written, author) in [(fromA, aID), (fromB, bID)] {
                let read = try node.json(MessageRecord.self, ["message", "read", try #require(written.messageID), "--json"],
                                         agent: "carol")
                #expect(read.from == "reviewer@\(author)")
            }
        }
        // Both keep working; a bare name that two agents have is asked about, never guessed.
        try b.ok(["send", "--to", "@carol", "still here"], agent: "reviewer")
        let ambiguous = try c.cli(["send", "--to", "reviewer", "which one?"], agent: "carol")
        #expect(ambiguous.code == 3)
        #expect(ambiguous.stderr.contains("reviewer@\(aID) (on a)") && ambiguous.stderr.contains("reviewer@\(bID) (on b)"),
                "\(ambiguous.stderr)")
        let byHost = try c.json(ControlResults.Written.self, ["send", "--to", "reviewer@b", "to b's", "--json"], agent: "carol")
        let byID = try c.json(ControlResults.Written.self, ["send", "--to", "@reviewer@\(aID)", "to a's", "--json"], agent: "carol")
        try eventuallyBlocking("each reviewer got its own") {
            for node in [a, b] { _ = try node.ok(["tsync", "force"]) }
            let onB = try b.json(MessageList.self, ["inbox", "--json"], agent: "reviewer").messages.map(\.messageID)
            let onA = try a.json(MessageList.self, ["inbox", "--json"], agent: "reviewer").messages.map(\.messageID)
            return onB.contains(byHost.messageID ?? "") && !onB.contains(byID.messageID ?? "")
                && onA.contains(byID.messageID ?? "") && !onA.contains(byHost.messageID ?? "")
        }
        // Acting as another daemon's agent is refused where it is tried.
        let refused = try b.cli(["send", "--to", "@everyone", "as a's reviewer"], agent: "reviewer@\(aID)")
        #expect(refused.code == 77)
        #expect(refused.stderr.contains("can only act from its own daemon"), "\(refused.stderr)")
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
