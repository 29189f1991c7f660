import Testing
@testable import ThrumSync

@Suite struct RateLimiterTests {
    let clock = FakeClock()

    func limiter(rate: Double = 10, burst: Int = 20, maxKeys: Int = 4096) -> RateLimiter {
        RateLimiter(ratePerSecond: rate, burst: burst, maxKeys: maxKeys, clock: { [clock] in clock.now() })
    }

    func admitted(_ limiter: RateLimiter, _ key: String, times: Int) -> Int {
        (0..<times).filter { _ in limiter.admit(key) == .allowed }.count
    }

    @Test func aBurstIsAllowedThenRequestsAreLimitedWithATimeToWait() {
        let limiter = limiter()
        #expect(admitted(limiter, "ci-runner", times: 20) == 20)
        // 10 per second: the next token arrives in 100 ms.
        #expect(limiter.admit("ci-runner") == .limited(retryAfterMilliseconds: 100))
    }

    @Test func tokensComeBackAtTheConfiguredRate() {
        let limiter = limiter()
        _ = admitted(limiter, "ci-runner", times: 20)
        clock.advance(by: .milliseconds(40))
        #expect(limiter.admit("ci-runner") == .limited(retryAfterMilliseconds: 60))
        clock.advance(by: .milliseconds(60))
        #expect(limiter.admit("ci-runner") == .allowed)
        #expect(limiter.admit("ci-runner") == .limited(retryAfterMilliseconds: 100))
        // Idle long enough, the whole burst is available again, but no more.
        clock.advance(by: .seconds(60))
        #expect(admitted(limiter, "ci-runner", times: 25) == 20)
    }

    @Test func eachPeerHasItsOwnBucket() {
        let limiter = limiter(burst: 3)
        #expect(admitted(limiter, "ci-runner", times: 5) == 3)
        #expect(admitted(limiter, "workstation", times: 5) == 3)
    }

    @Test func memoryStaysBoundedAsPeersComeAndGo() {
        let limiter = limiter(burst: 2, maxKeys: 8)
        for peer in 0..<100 {
            _ = limiter.admit("peer-\(peer)")
            _ = limiter.admit("peer-\(peer)")
            clock.advance(by: .milliseconds(1))
        }
        #expect(limiter.trackedKeyCount <= 8)
        // A key whose bucket was dropped starts over with a full burst.
        #expect(admitted(limiter, "peer-0", times: 3) == 2)
    }
}
