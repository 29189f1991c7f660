import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore

extension DaemonProcessTests {
/// Peers come and go (DESIGN §6), through the CLI of real daemons.
@Suite
struct PeerLifecycleProcessTests {
    struct PeersFile: Decodable {
        struct Peer: Decodable {
            var daemonID: String
            enum CodingKeys: String, CodingKey { case daemonID = "daemon_id" }
        }
        var peers: [Peer]
    }

    private static func peersOnDisk(_ node: DaemonFixture) throws -> [String] {
        try JSONDecoder().decode(PeersFile.self, from: Data(TestFiles.read(node.stateDirectory + "/peers.json").utf8))
            .peers.map(\.daemonID)
    }

    @Test func listShowsTheBackoffAndRemoveTakesAnAddressOrADaemonID() async throws {
        try await offThePool {
            let cluster = SyncCluster()
            defer { cluster.cleanup() }
            let a = try cluster.add("a")
            try cluster.add("b")
            try cluster.add("c")
            for name in ["a", "b", "c"] { try cluster.node(name).start() }
            try cluster.pair("a", "b")
            try cluster.pair("a", "c")
            let bID = try cluster.node("b").json(ControlResults.Identity.self, ["identity"]).daemonID
            let cID = try cluster.node("c").json(ControlResults.Identity.self, ["identity"]).daemonID

            // c goes away: a forced sync fails for it, and the list shows it backing off.
            try cluster.node("c").stop()
            #expect(try a.cli(["tsync", "force"]).code == 1)
            let listed = try a.json(PeerList.self, ["tsync", "peers", "list"]).peers
            let dead = try #require(listed.first { $0.daemonID == cID })
            #expect(dead.failures == 1)
            #expect(dead.retryAt != nil && dead.retryInMilliseconds != nil)
            #expect(listed.first { $0.daemonID == bID }?.failures == 0)
            let table = try a.ok(["tsync", "peers", "list"]).split(separator: "\n")
            #expect(table.first?.contains("RETRY") == true)
            let row = try #require(table.first { $0.contains(cID) })
            #expect(row.contains(" (1 failure) ") && (row.contains(" in 1s ") || row.contains(" due ")))
            #expect(table.first { $0.contains(bID) }?.contains(" - ") == true)

            let byAddress = try a.ok(["tsync", "peers", "remove", try cluster.address("b")])
            #expect(byAddress == "removed peer \(try cluster.address("b")): \(bID) (b)\n")
            let byID = try a.json(RemovedPeers.self, ["tsync", "peers", "remove", cID])
            #expect(byID.removed.map(\.daemonID) == [cID])
            #expect(try a.json(PeerList.self, ["tsync", "peers", "list"]).peers.isEmpty)
            #expect(try Self.peersOnDisk(a).isEmpty)
            #expect(a.process?.stderr.contains("sync: peer \(cID) (c) at \(try cluster.address("c")) removed by thrum tsync peers remove") == true)

            let again = try a.cli(["tsync", "peers", "remove", cID])
            #expect(again.code == 1)
            #expect(again.stderr == "thrum: no known peer has the daemon ID or address \"\(cID)\"; thrum tsync peers list shows the known ones\n")
            let blank = try a.cli(["tsync", "peers", "remove", " "])
            #expect(blank.code == 2)
            #expect(blank.stderr.contains("name the peer to remove by its daemon ID or HOST:PORT"))
        }
    }

    @Test func discoveryReplacesAKnownAddressWhoseDaemonWasReimaged() async throws {
        try await offThePool {
            let cluster = SyncCluster()
            defer { cluster.cleanup() }
            let port = try FreePort.next()
            try cluster.tailnet().update([
                TailnetStandIn.Node(hostname: "observer", ips: ["127.0.0.1"]),
                TailnetStandIn.Node(hostname: "runner", ips: ["127.0.0.2"]),
            ], selfName: "observer")
            let shared = ["THRUM_TAILSCALE_PORT": "\(port)"]
            let runner = try cluster.add("runner", host: "127.0.0.2", port: port, extra: shared)
            try runner.start()
            let before = try runner.json(ControlResults.Identity.self, ["identity"]).daemonID
            let observer = try cluster.add("observer", interval: "1s", port: port, extra: shared)
            try observer.start()
            try eventuallyBlocking("the observer discovers the runner") { try Self.peersOnDisk(observer) == [before] }

            // The runner is re-imaged: same address, new state, new key.
            try runner.stop()
            let reimaged = try cluster.add("runner-reimaged", host: "127.0.0.2", port: port, extra: shared)
            try reimaged.start()
            let after = try reimaged.json(ControlResults.Identity.self, ["identity"]).daemonID
            try reimaged.ok(["agent", "register", "on-the-new-runner"])

            try eventuallyBlocking("discovery replaces the old entry") { try Self.peersOnDisk(observer) == [after] }
            // The new entry is on disk a moment before discovery logs what it replaced.
            try eventuallyBlocking("discovery logs the replacement") {
                observer.process?.stderr.contains("discovery: runner now answers as \(after) with a new key (re-imaged?); it replaces \(before) in the registry") == true
            }
            try eventuallyBlocking("the observer syncs from the new runner") {
                try observer.json(AgentList.self, ["agent", "list"]).agents.map(\.name) == ["on-the-new-runner"]
            }
        }
    }
}
}
