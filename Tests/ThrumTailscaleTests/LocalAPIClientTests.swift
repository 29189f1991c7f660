import Testing
@testable import ThrumTailscale

/// The client against fake-tailscaled.py, a real HTTP server on a real unix socket.
@Suite struct LocalAPIClientTests {
    @Test func whoisOfATaggedNodeNamesTheHostAndItsTags() async throws {
        try await FakeTailscaled.with { fake in
            let whois = try await LocalAPIClient(socketPath: fake.socketPath).whois(ip: "100.101.102.103", port: 41234)
            let found = try #require(whois)
            #expect(found.hostName == "ci-runner")
            #expect(found.dnsName == "ci-runner.tail1234.ts.net")
            #expect(found.tags == ["tag:thrum-daemon"])
            #expect(found.loginName == "tagged-devices")
            #expect(found.node.addresses.contains("100.101.102.103/32"))
        }
    }

    @Test func whoisOfAPersonsNodeHasTheirLoginAndNoTags() async throws {
        try await FakeTailscaled.with { fake in
            let whois = try await LocalAPIClient(socketPath: fake.socketPath).whois(address: "100.70.80.90:5000")
            let found = try #require(whois)
            #expect(found.hostName == "workstation")
            #expect(found.loginName == "alice@company.com")
            #expect(found.tags.isEmpty)
        }
    }

    @Test func whoisOfAnIPv6AddressIsBracketedAndFound() async throws {
        try await FakeTailscaled.with { fake in
            let whois = try await LocalAPIClient(socketPath: fake.socketPath)
                .whois(ip: "fd7a:115c:a1e0::1234:5678", port: 41234)
            #expect(whois?.hostName == "ci-runner")
        }
    }

    @Test func whoisOfAnAddressNoNodeOwnsIsNil() async throws {
        try await FakeTailscaled.with { fake in
            let whois = try await LocalAPIClient(socketPath: fake.socketPath).whois(ip: "192.168.1.20", port: 41234)
            #expect(whois == nil)
        }
    }

    @Test func whoisFollowsTheTailnetAsItChanges() async throws {
        try await FakeTailscaled.with { fake in
            let client = LocalAPIClient(socketPath: fake.socketPath)
            #expect(try await client.whois(ip: "100.70.80.90", port: 1)?.tags == [])
            try fake.update(map: """
                {"self": "my-laptop", "nodes": [
                  {"hostname": "workstation", "ips": ["100.70.80.90"], "tags": ["tag:thrum-daemon"],
                   "login": "tagged-devices"}]}
                """)
            #expect(try await client.whois(ip: "100.70.80.90", port: 1)?.tags == ["tag:thrum-daemon"])
        }
    }

    @Test func anAddressTailscaledRejectsIsAnHTTPErrorWithItsText() async throws {
        try await FakeTailscaled.with { fake in
            let error = await #expect(throws: LocalAPIError.self) {
                try await LocalAPIClient(socketPath: fake.socketPath).whois(address: "not-an-address")
            }
            #expect(error == .httpStatus(code: 400, body: "invalid 'addr' parameter"))
        }
    }

    @Test func statusListsSelfPeersAndUsers() async throws {
        try await FakeTailscaled.with { fake in
            let status = try await LocalAPIClient(socketPath: fake.socketPath).status()
            #expect(status.selfNode?.hostName == "my-laptop")
            let peers = status.peers.values.sorted { $0.hostName < $1.hostName }
            #expect(peers.map(\.hostName) == ["ci-runner", "old-vm", "workstation"])
            let ciRunner = try #require(peers.first)
            #expect(ciRunner.online)
            #expect(ciRunner.dnsName == "ci-runner.tail1234.ts.net.")
            #expect(ciRunner.tailscaleIPs == ["100.101.102.103", "fd7a:115c:a1e0::1234:5678"])
            #expect(ciRunner.tags == ["tag:thrum-daemon"])
            #expect(peers.first { $0.hostName == "old-vm" }?.online == false)
            #expect(Set(status.users.values.map(\.loginName)) == ["tagged-devices", "alice@company.com"])
        }
    }

    @Test func aMissingSocketIsUnreachableAndSaysWhatToCheck() async throws {
        let client = LocalAPIClient(socketPath: "/tmp/thrum-no-such-dir/tailscaled.sock")
        let error = await #expect(throws: LocalAPIError.self) {
            try await client.whois(ip: "100.101.102.103", port: 1)
        }
        guard case let .unreachable(path, _) = error else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
        #expect(path == "/tmp/thrum-no-such-dir/tailscaled.sock")
        let text = try #require(error).description
        #expect(text.contains("tailscaled is not running"))
        #expect(text.contains("THRUM_TAILSCALE_SOCKET"))
        #expect(text.contains("cannot reach tailscaled at /tmp/thrum-no-such-dir/tailscaled.sock (No such file or directory)"))
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let listener = try SilentListener()
        let client = LocalAPIClient(socketPath: listener.socketPath, timeout: .milliseconds(200))
        let error = await #expect(throws: LocalAPIError.self) { try await client.status() }
        guard case let .timeout(path, after) = error else {
            Issue.record("expected timeout, got \(String(describing: error))")
            return
        }
        #expect(path == listener.socketPath)
        #expect(after == .milliseconds(200))
        withExtendedLifetime(listener) {}
    }
}
