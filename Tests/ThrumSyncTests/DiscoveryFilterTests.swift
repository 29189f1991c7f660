import FoundationEssentials
import Testing
import ThrumSync
import ThrumTailscale

@Suite struct DiscoveryFilterTests {
    /// Tests/support/localapi/status.json: ci-runner (online, tagged), workstation (online,
    /// untagged), old-vm (offline, tagged).
    static func sampleStatus() throws -> TailscaleStatus {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)
        let path = components.joined(separator: "/") + "/support/localapi/status.json"
        return try JSONDecoder().decode(TailscaleStatus.self, from: Data(contentsOf: URL(filePath: path)))
    }

    @Test func onlyOnlineTaggedPeersAreDiscovered() throws {
        let peers = DiscoveryFilter.peers(in: try Self.sampleStatus(), requiredTags: ["tag:thrum-daemon"])
        #expect(peers == [
            DiscoveredPeer(
                hostName: "ci-runner", dnsName: "ci-runner.tail1234.ts.net",
                tailscaleIPs: ["100.101.102.103", "fd7a:115c:a1e0::1234:5678"]),
        ])
    }

    @Test func withoutRequiredTagsEveryOnlinePeerIsDiscovered() throws {
        let peers = DiscoveryFilter.peers(in: try Self.sampleStatus(), requiredTags: [])
        #expect(peers.map(\.hostName) == ["ci-runner", "workstation"])
    }

    @Test func thisNodeIsNeverDiscoveredEvenIfListedAsAPeer() {
        let me = PeerStatus(
            hostName: "my-laptop", dnsName: "my-laptop.tail1234.ts.net.", tailscaleIPs: ["100.64.1.10"],
            tags: ["tag:thrum-daemon"], online: true)
        let status = TailscaleStatus(selfNode: me, peers: ["nodekey:me": me])
        #expect(DiscoveryFilter.peers(in: status, requiredTags: ["tag:thrum-daemon"]).isEmpty)
    }
}
