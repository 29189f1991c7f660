import FoundationEssentials
import Testing
import ThrumTailscale

/// The hand-written samples of real tailscaled answers decode into what Thrum reads.
@Suite struct LocalAPISampleDecodingTests {
    @Test func taggedWhoisSample() throws {
        let whois = try JSONDecoder().decode(WhoIs.self, from: TestSupport.localAPISample("whois-tagged.json"))
        #expect(whois.hostName == "ci-runner")
        #expect(whois.tags == ["tag:thrum-daemon"])
        #expect(whois.loginName == "tagged-devices")
        #expect(whois.node.addresses == ["100.101.102.103/32", "fd7a:115c:a1e0::1234:5678/128"])
    }

    @Test func userWhoisSampleWithoutTagsHasEmptyTags() throws {
        let whois = try JSONDecoder().decode(WhoIs.self, from: TestSupport.localAPISample("whois-user.json"))
        #expect(whois.hostName == "workstation")
        #expect(whois.tags.isEmpty)
        #expect(whois.loginName == "alice@company.com")
        #expect(whois.userProfile.displayName == "Alice Example")
    }

    @Test func statusSample() throws {
        let status = try JSONDecoder().decode(TailscaleStatus.self, from: TestSupport.localAPISample("status.json"))
        #expect(status.selfNode?.hostName == "my-laptop")
        #expect(status.peers.count == 3)
        let workstation = try #require(status.peers.values.first { $0.hostName == "workstation" })
        #expect(workstation.tags.isEmpty)
        #expect(workstation.online)
        #expect(status.users["2002"]?.loginName == "alice@company.com")
    }

    @Test func hostNameFallsBackToHostinfoThenToTheFirstDNSLabel() throws {
        let noComputed = """
            {"Node": {"Name": "build-7.tail1234.ts.net.", "Hostinfo": {"Hostname": "Build-7"}}, "UserProfile": {}}
            """
        #expect(try JSONDecoder().decode(WhoIs.self, from: Data(noComputed.utf8)).hostName == "Build-7")
        let onlyName = #"{"Node": {"Name": "build-7.tail1234.ts.net."}, "UserProfile": {}}"#
        #expect(try JSONDecoder().decode(WhoIs.self, from: Data(onlyName.utf8)).hostName == "build-7")
    }

    @Test func aLoggedOutStatusWithNullPeersHasNoPeers() throws {
        let status = try JSONDecoder().decode(
            TailscaleStatus.self, from: Data(#"{"BackendState": "NeedsLogin", "Peer": null, "User": null}"#.utf8))
        #expect(status.selfNode == nil)
        #expect(status.peers.isEmpty)
    }
}
