import ThrumTestSupport
import FoundationEssentials
import Synchronization
import Testing
import ThrumCore
import ThrumRPC
import ThrumStore
@testable import ThrumSync

/// What sync counts into the metrics, read back from a real Prometheus registry.
@Suite struct SyncMetricsTests {
    typealias Name = SyncMetrics.Name

    @Test func aPeerShowsLagUntilThePullCatchesUp() async throws {
        try await withNodes { nodes in
            let pulls = Latch()
            let a = try await nodes.start(gate: SyncGate(requestGate: { _, method in
                if method == SyncMethod.pull.rawValue { await pulls.wait() }
                return nil
            }))
            let metrics = ScrapedMetrics()
            var options = SyncManager.Options()
            options.metrics = metrics.sync
            let b = try await nodes.start(options: options)
            try a.write(10)
            try b.registry.upsert(.of(a))
            let peer: KeyValuePairs = ["peer": a.daemonID]

            // A pull starts and is held inside A; meanwhile A says it holds 10.
            b.manager.requestPull(a.daemonID)
            try await eventually("the key proof is sent") { metrics.value(Name.keyProofsSent, peer) == 1 }
            let latest = try a.store.latestSeq()
            #expect(await b.manager.notified(NotifyParams(daemonID: a.daemonID, latestSeq: latest, eventCount: 10, have: nil),
                                       by: RPCPeer(origin: .tcp(ip: "127.0.0.1", port: 1))) == .queued)
            b.manager.showPeerMetrics()
            #expect(metrics.value(Name.peerLag, peer) == 10)
            #expect(metrics.value(Name.lastSyncAge, peer) == nil, "never synced")

            pulls.open()
            try await eventually("the pull is counted") { metrics.value(Name.pulls, ["peer": a.daemonID, "result": "ok"]) != nil }
            try await eventually("B holds A's events") { try b.store.eventCount() == 10 }
            b.manager.showPeerMetrics()
            #expect(metrics.value(Name.peerLag, peer) == 0)
            #expect(metrics.value(Name.eventsReceived, peer) == 10)
            #expect(try #require(metrics.value(Name.lastSyncAge, peer)) < 60)
            #expect(metrics.value(Name.peers) == 1)
            #expect(metrics.value(Name.authDecisions, ["check": "key_proof", "outcome": "allowed"]) == 1)
        }
    }

    @Test func aRemovedPeerLosesItsGauges() async throws {
        try await withNodes { nodes in
            let metrics = ScrapedMetrics()
            var options = SyncManager.Options()
            options.metrics = metrics.sync
            let a = try await nodes.start()
            let b = try await nodes.start(options: options)
            try a.write(3)
            let outcome = await b.manager.pull(from: try b.manager.addPeer(address: a.address))
            #expect(outcome.error == nil)
            b.manager.showPeerMetrics()
            #expect(metrics.value(Name.peerLag, ["peer": a.daemonID]) == 0)

            _ = try b.manager.removePeer(a.daemonID)
            b.manager.showPeerMetrics()
            #expect(metrics.value(Name.peerLag, ["peer": a.daemonID]) == nil)
            #expect(metrics.value(Name.lastSyncAge, ["peer": a.daemonID]) == nil)
            #expect(metrics.value(Name.peers) == 0)
        }
    }

    @Test func quarantinedEventsAreCountedByStageAndServedRequestsByMethod() async throws {
        try await withNodes { nodes in
            let served = ScrapedMetrics()
            var serverOptions = SyncManager.Options()
            serverOptions.metrics = served.sync
            let a = try await nodes.start(options: serverOptions)
            let metrics = ScrapedMetrics()
            var options = SyncManager.Options()
            options.metrics = metrics.sync
            let b = try await nodes.start(options: options)
            try a.write(2)
            try a.writeForged()
            _ = await b.manager.pull(from: try b.manager.addPeer(address: a.address))

            #expect(metrics.value(Name.quarantined, ["stage": "signature"]) == 1)
            #expect(metrics.value(Name.eventsReceived, ["peer": a.daemonID]) == 3)
            // Without a security gate, A counts the puller under its address.
            let pulls = served.value(Name.requestsReceived, ["method": "sync.pull", "host": "127.0.0.1", "result": "ok"])
            #expect(try #require(pulls) >= 1)
            #expect(served.value(Name.requestsReceived, ["method": "sync.peer_info", "host": "127.0.0.1", "result": "ok"]) == 2)
        }
    }

    @Test func notifiesSentAreCountedPerPeerAndResult() async throws {
        try await withNodes { nodes in
            let fake = FakePeer { _ in .result(NotifyResult(status: .ok)) }
            let port = try await nodes.start(fake)
            let metrics = ScrapedMetrics()
            var options = SyncManager.Options()
            options.metrics = metrics.sync
            // Only the closed port may fail, however loaded the machine is.
            options.notifyTimeout = .seconds(30)
            let a = try await nodes.start(options: options)
            try a.registry.upsert(.fake(daemonID: "d_fakepeer0000000", port: port))
            try a.registry.upsert(.fake(daemonID: "d_deadpeer0000000", port: try nodes.closedPort()))
            try a.write(1)
            a.manager.localWriteHappened()
            // Longer than the notify timeout above: a notify slowed by a loaded machine still ends first.
            try await eventually("both notifies are done", within: .seconds(90)) { a.manager.notifier.isIdle }

            #expect(metrics.value(Name.notifiesSent, ["peer": "d_fakepeer0000000", "result": "ok"]) == 1)
            #expect(metrics.value(Name.notifiesSent, ["peer": "d_deadpeer0000000", "result": "failed"]) == 1)
            #expect(a.manager.traffic.snapshot.notifiesSent == 1, "thrum health counts the same")
        }
    }

    @Test func authDecisionsAndBusyAnswersAreCounted() async {
        let metrics = ScrapedMetrics()
        let security = SyncSecurity(policy: AuthorizationPolicy(requiredTags: ["tag:thrum-daemon"]),
                                    rateLimit: (perSecond: 0.001, burst: 1), maxInFlight: 1000,
                                    metrics: metrics.sync, logger: CapturedLogs().logger()) { ip, _ in
            ip == "100.64.0.1" ? WhoIsSamples.ciRunner : nil
        }
        let gate = security.gate
        let runner = RPCPeer(origin: .tcp(ip: "100.64.0.1", port: 40000))
        #expect(await gate.admission(runner) == nil)
        #expect(await gate.admission(RPCPeer(origin: .tcp(ip: "100.64.0.2", port: 40000))) != nil)
        #expect(await gate.requestGate(runner, "sync.pull") == nil)
        #expect(await gate.requestGate(runner, "sync.pull")?.code == RPCError.rateLimitedCode)

        #expect(metrics.value(Name.authDecisions, ["check": "whois", "outcome": "allowed"]) == 1, "cached afterwards")
        #expect(metrics.value(Name.authDecisions, ["check": "whois", "outcome": "denied"]) == 1)
        #expect(metrics.value(Name.refusals, ["listener": "sync", "code": "429", "reason": "rate_limit"]) == 1)
        #expect(gate.peerName(runner) == "ci-runner", "requests are counted under the host [sync_auth] named")
    }
}
