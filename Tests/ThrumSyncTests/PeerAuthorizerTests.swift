import Testing
import ThrumCore
import ThrumSync
import ThrumTailscale

@Suite struct PeerAuthorizerTests {
    /// The shipped default: only nodes tagged `tag:thrum-daemon` may sync.
    let defaultAuthorizer = PeerAuthorizer(policy: AuthorizationPolicy(config: ThrumConfig()))

    @Test func aTaggedPeerIsAllowedByTheDefaultPolicy() {
        let decision = defaultAuthorizer.authorize(WhoIsSamples.ciRunner, remoteIP: "100.101.102.103")
        #expect(decision.allowed)
        #expect(decision.reasons.isEmpty)
        #expect(decision.logLine == "[sync_auth] ALLOWED peer ci-runner (login: tagged-devices, tags: [tag:thrum-daemon])")
    }

    @Test func aPeerWithoutTheRequiredTagIsDenied() {
        let decision = defaultAuthorizer.authorize(WhoIsSamples.workstation, remoteIP: "100.70.80.90")
        #expect(!decision.allowed)
        #expect(decision.logLine == """
            [sync_auth] DENIED peer workstation (login: alice@company.com, tags: []): \
            missing required tag (needs one of [tag:thrum-daemon])
            """)
    }

    @Test func anyOneOfSeveralRequiredTagsIsEnough() {
        let authorizer = PeerAuthorizer(policy: .init(requiredTags: ["tag:other", "tag:thrum-daemon"]))
        #expect(authorizer.authorize(WhoIsSamples.ciRunner, remoteIP: "100.101.102.103").allowed)
    }

    @Test func aHostNotInAllowedPeersIsDenied() {
        let authorizer = PeerAuthorizer(policy: .init(allowedPeers: ["build-1", "build-2"]))
        let decision = authorizer.authorize(WhoIsSamples.ciRunner, remoteIP: "100.101.102.103")
        #expect(decision.logLine == """
            [sync_auth] DENIED peer ci-runner (login: tagged-devices, tags: [tag:thrum-daemon]): \
            host ci-runner is not in allowed peers [build-1, build-2]
            """)
    }

    @Test func allowedPeersMatchTheHostNameIgnoringCaseOrTheMagicDNSName() {
        let byShortName = PeerAuthorizer(policy: .init(allowedPeers: ["CI-Runner"]))
        #expect(byShortName.authorize(WhoIsSamples.ciRunner, remoteIP: "100.101.102.103").allowed)
        let byDNSName = PeerAuthorizer(policy: .init(allowedPeers: ["ci-runner.tail1234.ts.net"]))
        #expect(byDNSName.authorize(WhoIsSamples.ciRunner, remoteIP: "100.101.102.103").allowed)
    }

    @Test func aLoginFromAnotherDomainIsDenied() {
        let authorizer = PeerAuthorizer(policy: .init(allowedDomains: ["company.com"]))
        #expect(authorizer.authorize(WhoIsSamples.workstation, remoteIP: "100.70.80.90").allowed)
        let outsider = WhoIsSamples.person("mallory-pc", login: "mallory@evil.example")
        let decision = authorizer.authorize(outsider, remoteIP: "100.80.1.1")
        #expect(decision.logLine == """
            [sync_auth] DENIED peer mallory-pc (login: mallory@evil.example, tags: []): \
            login domain evil.example is not in allowed domains [company.com]
            """)
    }

    @Test func aTaggedDeviceHasNoDomainAndFailsADomainCheck() {
        let authorizer = PeerAuthorizer(policy: .init(allowedDomains: ["company.com"]))
        let decision = authorizer.authorize(WhoIsSamples.ciRunner, remoteIP: "100.101.102.103")
        #expect(decision.reasons == ["login tagged-devices has no domain; allowed domains are [company.com]"])
    }

    @Test func everyFailingCheckIsReportedInOrder() {
        let authorizer = PeerAuthorizer(
            policy: .init(allowedPeers: ["ci-runner"], requiredTags: ["tag:thrum-daemon"], allowedDomains: ["company.com"]))
        let outsider = WhoIsSamples.person("mallory-pc", login: "mallory@evil.example")
        let decision = authorizer.authorize(outsider, remoteIP: "100.80.1.1")
        #expect(decision.logLine == """
            [sync_auth] DENIED peer mallory-pc (login: mallory@evil.example, tags: []): \
            host mallory-pc is not in allowed peers [ci-runner]; \
            missing required tag (needs one of [tag:thrum-daemon]); \
            login domain evil.example is not in allowed domains [company.com]
            """)
    }

    @Test func anAddressTailscaledDoesNotKnowIsDenied() {
        let decision = defaultAuthorizer.authorize(nil, remoteIP: "192.168.1.20")
        #expect(!decision.allowed)
        #expect(decision.host == "192.168.1.20")
        #expect(decision.logLine == """
            [sync_auth] DENIED peer 192.168.1.20 (login: -, tags: []): \
            not a tailnet peer (tailscaled knows no node with this address)
            """)
    }

    @Test func tailscaledDownDeniesEveryone() {
        let open = PeerAuthorizer(policy: .init())
        let error = LocalAPIError.unreachable(path: "/run/ts.sock", reason: "No such file or directory (errno: 2)")
        let decision = open.denyUnreachable(remoteIP: "100.101.102.103", error: error)
        #expect(!decision.allowed)
        #expect(decision.lookupFailed)
        #expect(decision.logLine == """
            [sync_auth] DENIED peer 100.101.102.103 (login: -, tags: []): tailscaled unreachable: \
            cannot reach tailscaled at /run/ts.sock (No such file or directory (errno: 2)): \
            tailscaled is not running, or THRUM_TAILSCALE_SOCKET names the wrong socket; \
            start tailscaled (systemctl start tailscaled) or set THRUM_TAILSCALE_SOCKET to its socket path
            """)
    }

    @Test func anEmptyPolicyAllowsAnyTailnetPeer() {
        let open = PeerAuthorizer(policy: .init())
        #expect(open.authorize(WhoIsSamples.workstation, remoteIP: "100.70.80.90").allowed)
    }
}
