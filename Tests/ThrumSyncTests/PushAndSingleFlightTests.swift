import ThrumTestSupport
import FoundationEssentials
import Synchronization
import Testing
import ThrumCore
import ThrumRPC
import ThrumStore
@testable import ThrumSync

@Suite struct PushAndSingleFlightTests {
    private static func record(of node: SyncNode) -> PeerRecord { .of(node) }

    @Test func concurrentPullRequestsRunOnceMoreNotOncePerRequest() async throws {
        try await withNodes { nodes in
            let firstPull = Latch()
            let pullCalls = Atomic<Int>(0)
            let gate = SyncGate(requestGate: { _, method in
                if method == SyncMethod.pull.rawValue,
                   pullCalls.wrappingAdd(1, ordering: .relaxed).oldValue == 0 {
                    await firstPull.wait()
                }
                return nil
            })
            let a = try await nodes.start(gate: gate)
            let b = try await nodes.start()
            try a.write(5)
            let peer = Self.record(of: a)
            try b.registry.upsert(peer)

            let outcomes = Task {
                await withTaskGroup(of: PullOutcome.self) { group in
                    for _ in 0..<50 { group.addTask { await b.manager.pull(from: peer) } }
                    var all: [PullOutcome] = []
                    for await outcome in group { all.append(outcome) }
                    return all
                }
            }
            // The first pull is held inside A; the other 49 requests pile up behind it.
            try await eventually("49 requests wait") { b.manager.flights.pendingCount(a.daemonID) == 49 }
            firstPull.open()
            let results = await outcomes.value

            #expect(results.count == 50)
            #expect(results.allSatisfy { $0.error == nil })
            #expect(pullCalls.load(ordering: .relaxed) == 2)
            #expect(try b.store.eventCount() == 5)
        }
    }

    @Test func aBurstOfWritesSendsAHandfulOfNotifies() async throws {
        try await withNodes { nodes in
            let fake = FakePeer { _ in .result(NotifyResult(status: .ok)) }
            let port = try await nodes.start(fake)
            let a = try await nodes.start()
            try a.registry.upsert(.fake(daemonID: "d_fakepeer0000000", port: port))
            try a.write(1)

            for _ in 0..<1000 { a.manager.localWriteHappened() }
            try await eventually("the notifies are sent") { a.manager.notifier.isIdle }

            let received = fake.count(SyncMethod.notify.rawValue)
            #expect(received >= 1)
            #expect(received <= 5)
            // Every notify that reached the peer is counted (as failed when its
            // answer came after the short timeout, as on a loaded machine).
            let counts = a.manager.traffic.snapshot
            #expect(counts.notifiesSent + counts.notifiesFailed == received)
        }
    }

    @Test func aPeerThatNeverAnswersDoesNotHoldTheWriterUp() async throws {
        try await withNodes { nodes in
            let release = Latch()
            let fake = FakePeer { _ in
                await release.wait()
                return .result(NotifyResult(status: .ok))
            }
            let port = try await nodes.start(fake)
            let a = try await nodes.start()
            try a.registry.upsert(.fake(daemonID: "d_stuckpeer000000", port: port))

            a.manager.localWriteHappened()
            try await eventually("the first notify hangs in the peer") { fake.count(SyncMethod.notify.rawValue) == 1 }
            // While that notify hangs, a thousand more writes return without waiting for it
            // and without opening more connections to the stuck peer.
            for _ in 0..<1000 { a.manager.localWriteHappened() }
            #expect(fake.count(SyncMethod.notify.rawValue) == 1)
            #expect(!a.manager.notifier.isIdle)

            release.open()
            try await eventually("the notifies are done") { a.manager.notifier.isIdle }
            #expect(fake.count(SyncMethod.notify.rawValue) <= 3)
        }
    }

    @Test func aDeadPeerCostsOneFailedNotifyPerBurstAndOneWarning() async throws {
        try await withNodes { nodes in
            let deadPort = try nodes.closedPort()
            let a = try await nodes.start()
            try a.registry.upsert(.fake(daemonID: "d_deadpeer0000000", port: deadPort))

            for _ in 0..<1000 { a.manager.localWriteHappened() }
            try await eventually("the notifier gives up") { a.manager.notifier.isIdle }
            let counts = a.manager.traffic.snapshot
            #expect(counts.notifiesSent == 0)
            #expect(counts.notifiesFailed >= 1 && counts.notifiesFailed <= 5)
            let warnings = a.logs.all.filter { $0.level >= .warning && $0.message.contains("d_deadpeer0000000") }
            #expect(warnings.map(\.message).count == 1)
            #expect(warnings.first?.message.contains("is unreachable: cannot notify it") == true)
        }
    }

    @Test func aNotifyMakesThePeerPull() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try a.registry.upsert(Self.record(of: b))
            try b.registry.upsert(Self.record(of: a))

            try a.write(5)
            a.manager.localWriteHappened()
            try await eventually("B has A's events") { try b.store.eventCount() == 5 }
            try await eventually("B logged the sync") {
                !b.logs.messages(containing: "sync.notify: synced from \(a.daemonID) — applied=5 skipped=0").isEmpty
            }
            let line = b.logs.messages(containing: "sync.notify: synced from").first
            #expect(line?.metadata["component"] == "sync")
            #expect(line?.metadata["peer"] == a.daemonID)
            #expect(Set(try b.allEvents()) == Set(try a.allEvents()))
        }
    }

    @Test func notifyAnswersQueuedOnlyWhenThereIsSomethingToPull() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try b.registry.upsert(Self.record(of: a))
            let endpoint = RPCEndpoint.tcp(host: "127.0.0.1", port: b.port)
            func notify(_ id: String, _ seq: Int64) async throws -> NotifyResult.Status {
                try await LineRPCClient.call(endpoint, "sync.notify", NotifyParams(daemonID: id, latestSeq: seq, eventCount: Int(seq)),
                                             as: NotifyResult.self).status
            }
            #expect(try await notify("d_strangerstrange", 10) == .ok)
            #expect(try await notify(a.daemonID, 0) == .ok)
            try a.write(2)
            #expect(try await notify(a.daemonID, 2) == .queued)
            try await eventually("B pulled") { try b.store.eventCount() == 2 }
            #expect(try await notify(a.daemonID, 2) == .ok)
        }
    }
}
