import Synchronization
import Testing
import ThrumSync
import ThrumTailscale

@Suite struct WhoIsCacheTests {
    let clock = FakeClock()
    let authorizer = PeerAuthorizer(policy: .init(requiredTags: ["tag:thrum-daemon"]))
    /// How many times the cache asked "tailscaled".
    let lookups = Counter()

    func cache() -> WhoIsCache {
        WhoIsCache(ttl: .seconds(30), failureTTL: .seconds(1), clock: { [clock] in clock.now() })
    }

    func authorize(_ cache: WhoIsCache, answer: WhoIs?) async -> AuthorizationDecision {
        await cache.authorize(remoteIP: "100.101.102.103", with: authorizer) { () throws(LocalAPIError) -> WhoIs? in
            lookups.increment()
            return answer
        }
    }

    @Test func repeatedConnectionsFromOneAddressAskTailscaledOnce() async {
        let cache = cache()
        #expect(await authorize(cache, answer: WhoIsSamples.ciRunner).allowed)
        clock.advance(by: .seconds(29))
        // The answer has changed but the cached decision still stands within the TTL.
        #expect(await authorize(cache, answer: nil).allowed)
        #expect(lookups.value == 1)
    }

    @Test func anExpiredDecisionIsMadeAfreshWithTheNewAnswer() async {
        let cache = cache()
        #expect(await authorize(cache, answer: WhoIsSamples.ciRunner).allowed)
        clock.advance(by: .seconds(30))
        let decision = await authorize(cache, answer: WhoIsSamples.workstation)
        #expect(!decision.allowed)
        #expect(decision.host == "workstation")
        #expect(lookups.value == 2)
    }

    @Test func tailscaledBeingDownIsForgottenWithinASecond() async {
        let cache = cache()
        let down = await cache.authorize(remoteIP: "100.101.102.103", with: authorizer) {
            () throws(LocalAPIError) -> WhoIs? in
            throw .timeout(path: "/run/ts.sock", after: .seconds(2))
        }
        #expect(!down.allowed)
        #expect(down.reasons.first?.hasPrefix("tailscaled unreachable: ") == true)
        #expect(cache.decision(for: "100.101.102.103") == down)

        clock.advance(by: .seconds(1))
        #expect(await authorize(cache, answer: WhoIsSamples.ciRunner).allowed)
        #expect(lookups.value == 1)
    }

    @Test func theCacheDropsTheOldestEntryWhenFull() {
        let cache = WhoIsCache(maxEntries: 2, clock: { [clock] in clock.now() })
        let decision = authorizer.authorize(WhoIsSamples.ciRunner, remoteIP: "")
        for address in ["100.64.0.1", "100.64.0.2", "100.64.0.3"] {
            cache.store(decision, for: address)
            clock.advance(by: .seconds(1))
        }
        #expect(cache.decision(for: "100.64.0.1") == nil)
        #expect(cache.decision(for: "100.64.0.2") == decision)
        #expect(cache.decision(for: "100.64.0.3") == decision)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
