import Synchronization
import Testing
import ThrumCore
import ThrumRPC
import ThrumStore
import ThrumSystem
import ThrumTailscale
@testable import ThrumSync

/// The sync port's gate (SyncSecurity) on its own, and the pull client's
/// answer to 429/503.
/// A counter closures can share.
final class Tally: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    @discardableResult
    func increment() -> Int { count.withLock { $0 += 1; return $0 } }
}

@Suite struct SyncSecurityTests {
    static func peer(_ ip: String) -> RPCPeer { RPCPeer(origin: .tcp(ip: ip, port: 40000)) }

    static func security(rateLimit: (perSecond: Double, burst: Int)? = nil, maxInFlight: Int = 1000,
                         logs: CapturedLogs = CapturedLogs(), lookups: Tally = Tally(),
                         whois: @escaping @Sendable (String) throws(LocalAPIError) -> WhoIs?) -> SyncSecurity {
        SyncSecurity(policy: AuthorizationPolicy(requiredTags: ["tag:thrum-daemon"]), rateLimit: rateLimit,
                     maxInFlight: maxInFlight, logger: logs.logger()) { ip, _ throws(LocalAPIError) in
            lookups.increment()
            return try whois(ip)
        }
    }

    @Test func aBurstOfConnectionsFromOnePeerAsksTailscaledOnce() async {
        let logs = CapturedLogs()
        let lookups = Tally()
        let gate = Self.security(logs: logs, lookups: lookups) { _ in WhoIsSamples.ciRunner }.gate
        for _ in 0..<50 {
            #expect(await gate.admission(Self.peer("100.101.102.103")) == nil)
        }
        #expect(lookups.value == 1)
        #expect(logs.messages(containing: "[sync_auth] ALLOWED peer ci-runner (login: tagged-devices, tags: [tag:thrum-daemon])").count == 1)
        #expect(logs.all.allSatisfy { $0.metadata["component"] == "sync_auth" })
    }

    @Test func tailscaledAnsweringAnErrorDenies() async {
        let logs = CapturedLogs()
        let gate = Self.security(logs: logs) { _ throws(LocalAPIError) in
            throw LocalAPIError.httpStatus(code: 500, body: "internal error")
        }.gate
        let refusal = await gate.admission(Self.peer("100.64.9.9"))
        #expect(refusal?.code == RPCError.unauthorizedCode)
        #expect(await gate.requestGate(Self.peer("100.64.9.9"), "sync.pull")?.code == RPCError.unauthorizedCode,
                "no request is served either")
        #expect(!logs.messages(containing: "[sync_auth] DENIED peer 100.64.9.9 (login: -, tags: []): tailscaled unreachable: tailscaled answered HTTP 500").isEmpty)
    }

    @Test func theRateLimitIsPerNodeNotPerAddress() async {
        let twoAddresses = WhoIsSamples.ciRunner
        let gate = Self.security(rateLimit: (perSecond: 0.001, burst: 2)) { ip in
            ip == "100.70.80.90" ? WhoIsSamples.person("other", login: "tagged-devices", tags: ["tag:thrum-daemon"]) : twoAddresses
        }.gate
        #expect(await gate.requestGate(Self.peer("100.101.102.103"), "sync.pull") == nil)
        #expect(await gate.requestGate(Self.peer("fd7a:115c:a1e0::1234:5678"), "sync.pull") == nil)
        let limited = await gate.requestGate(Self.peer("100.101.102.103"), "sync.pull")
        #expect(limited?.code == RPCError.rateLimitedCode)
        #expect((limited?.retryAfterMilliseconds ?? 0) > 0)
        #expect(await gate.requestGate(Self.peer("100.70.80.90"), "sync.pull") == nil, "another node has its own bucket")
    }

    @Test func aFullQueueAnswers503UntilARequestFinishes() async {
        let gate = Self.security(maxInFlight: 2) { _ in WhoIsSamples.ciRunner }.gate
        let peer = Self.peer("100.101.102.103")
        #expect(await gate.requestGate(peer, "sync.pull") == nil)
        #expect(await gate.requestGate(peer, "sync.pull") == nil)
        let overloaded = await gate.requestGate(peer, "sync.pull")
        #expect(overloaded?.code == RPCError.overloadedCode)
        #expect(overloaded?.retryAfterMilliseconds == SyncSecurity.overloadedRetryMilliseconds)
        gate.requestDone(peer)
        #expect(await gate.requestGate(peer, "sync.pull") == nil)
    }

    /// A peer whose `sync.pull` answers 429 `refusals` times before serving.
    static func refusingPeer(_ identity: DaemonIdentity, refusals: Int, code: Int = RPCError.rateLimitedCode) -> FakePeer {
        let refused = Tally()
        return FakePeer { request in
            switch request.method {
            case "sync.peer_info":
                let challenge = (try? request.params(PeerInfoParams.self))?.challenge
                return .result(PeerInfo(daemonID: identity.daemonID, hostname: "busy", publicKey: identity.publicKeyBase64,
                                        fingerprint: identity.fingerprint, version: "test", latestSeq: 0,
                                        challengeSignature: challenge.map { PeerProof.sign(challenge: $0, as: identity) }))
            default:
                if refused.increment() <= refusals { return .error(.retryable(code: code, message: "busy", retryAfterMilliseconds: 5)) }
                return .result(PullResult(events: [], nextSeq: 0, moreAvailable: false))
            }
        }
    }

    @Test func thePullWaitsAsToldAndThenSucceeds() async throws {
        try await withNodes { nodes in
            let b = try await nodes.start()
            let identity = DaemonIdentity(keyPair: .generate())
            let fake = Self.refusingPeer(identity, refusals: 3, code: RPCError.overloadedCode)
            let port = try await nodes.start(fake)
            try b.registry.upsert(.fake(daemonID: identity.daemonID, port: port))
            let outcome = await b.manager.pull(from: .fake(daemonID: identity.daemonID, port: port))
            #expect(outcome.error == nil)
            #expect(b.manager.traffic.snapshot.retryWaits == 3)
            #expect(fake.count("sync.pull") == 4)
        }
    }

    @Test func aPeerThatNeverStopsRefusingEndsThePullWithItsReason() async throws {
        try await withNodes { nodes in
            let b = try await nodes.start()
            let identity = DaemonIdentity(keyPair: .generate())
            let fake = Self.refusingPeer(identity, refusals: .max)
            let port = try await nodes.start(fake)
            try b.registry.upsert(.fake(daemonID: identity.daemonID, port: port))
            let outcome = await b.manager.pull(from: .fake(daemonID: identity.daemonID, port: port))
            #expect(outcome.error?.description.contains("busy (code 429)") == true)
            #expect(fake.count("sync.pull") == SyncClient.maxRetryWaits + 1, "a bounded number of tries, not a hammering loop")
        }
    }
}
