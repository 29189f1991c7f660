import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore

extension DaemonProcessTests {
/// Discovery through the stand-in tailscaled's `status`: daemons listen on
/// 127.0.0.2… (all loopback on Linux) on one shared port, and the map says
/// which are online and tagged. MagicDNS names of the map do not resolve here,
/// so discovery reaches them at their Tailscale IPs, as on a tailnet without MagicDNS.
@Suite
struct DiscoveryProcessTests {
    typealias Node = TailnetStandIn.Node

    struct PeersFile: Decodable {
        struct Peer: Decodable {
            var daemonID: String
            var address: String
            var source: String
            var tailscaleIP: String?
            enum CodingKeys: String, CodingKey { case daemonID = "daemon_id", address, source, tailscaleIP = "tailscale_ip" }
        }
        var peers: [Peer]
    }

    @Test func onlyOnlinePeersWithARequiredTagAreAdded() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let port = try FreePort.next()
        try cluster.tailnet().update([
            Node(hostname: "observer", ips: ["127.0.0.1"]),
            Node(hostname: "alpha", ips: ["127.0.0.2"]),
            Node(hostname: "beta", ips: ["127.0.0.3"]),
            Node(hostname: "gone", ips: ["127.0.0.4"], online: false),
            Node(hostname: "untagged", ips: ["127.0.0.5"], tags: [], login: "erin@company.com"),
        ], selfName: "observer")
        // Every daemon runs discovery too; the stand-in's one `self` makes them all
        // skip "observer", and each recognises itself by its daemon ID.
        let shared = ["THRUM_TAILSCALE_PORT": "\(port)"]
        var ids: [String: String] = [:]
        for (name, host) in [("alpha", "127.0.0.2"), ("beta", "127.0.0.3"), ("gone", "127.0.0.4"), ("untagged", "127.0.0.5")] {
            let node = try cluster.add(name, host: host, port: port, extra: shared)
            try node.start()
            ids[name] = try node.json(ControlResults.Identity.self, ["identity"]).daemonID
        }
        let observer = try cluster.add("observer", port: port, extra: shared)
        try observer.start()
        try eventuallyBlocking("the observer's first discovery pass ends") {
            observer.process?.stderr.contains("discovery: 2 online peer(s) with tag:thrum-daemon, 2 not yet known, 2 added") == true
        }

        let file = try JSONDecoder().decode(PeersFile.self, from: Data(TestFiles.read(observer.stateDirectory + "/peers.json").utf8))
        #expect(Set(file.peers.map(\.daemonID)) == Set([try #require(ids["alpha"]), try #require(ids["beta"])]))
        #expect(file.peers.allSatisfy { $0.source == "discovered" })
        #expect(Set(file.peers.map(\.address)) == ["127.0.0.2:\(port)", "127.0.0.3:\(port)"])
        #expect(Set(file.peers.compactMap(\.tailscaleIP)) == ["127.0.0.2", "127.0.0.3"])
        #expect(observer.process?.stderr.contains("discovery: added peer alpha (\(ids["alpha"] ?? "?")) at 127.0.0.2:\(port)") == true)
        // Discovered peers are synced like any other.
        try cluster.node("alpha").ok(["agent", "register", "from-alpha"])
        try observer.ok(["tsync", "force"])
        #expect(try observer.json(AgentList.self, ["agent", "list"]).agents.map(\.name) == ["from-alpha"])
    }
}
}
