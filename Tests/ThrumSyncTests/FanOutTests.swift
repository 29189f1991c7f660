import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
import ThrumRPC
import ThrumStore
@testable import ThrumSync

/// DESIGN §6, fan-out: each event crosses the wire about once per daemon, and still
/// reaches every daemon by push, through relays too.
@Suite struct FanOutTests {
    static func record(of node: SyncNode) -> PeerRecord {
        PeerRecord(daemonID: node.daemonID, hostname: "peer", address: node.address, tailscaleIP: nil,
                   publicKey: node.identity.publicKeyBase64, fingerprint: node.identity.fingerprint, source: .manual,
                   addedAt: Timestamp.now())
    }

    /// `a` learns `b` as a peer.
    static func link(_ a: SyncNode, _ b: SyncNode) throws {
        try a.registry.upsert(record(of: b))
    }

    /// Waits until every node holds `count` events and nothing is being sent or pulled.
    static func settle(_ nodes: [SyncNode], count: Int) async throws {
        try await eventually("every node holds \(count) events and is quiet") {
            try nodes.allSatisfy { node in
                try node.store.eventCount() == count && node.manager.notifier.isIdle
                    && !nodes.contains { node.manager.flights.isRunning($0.daemonID) }
            }
        }
    }

    static func totals(_ nodes: [SyncNode]) -> SyncTraffic.Counts {
        nodes.map(\.manager.traffic.snapshot).reduce(into: SyncTraffic.Counts()) { sum, counts in
            sum.eventsReceived += counts.eventsReceived
            sum.pagesReceived += counts.pagesReceived
            // A notify whose answer came after the short timeout (a loaded machine) still reached its peer.
            sum.notifiesSent += counts.notifiesSent + counts.notifiesFailed
            sum.peerInfosSent += counts.peerInfosSent
        }
    }

    @Test func inAFullMeshEachDaemonReceivesAWriteOnceAndNobodyRelays() async throws {
        try await withNodes { nodes in
            var fleet: [SyncNode] = []
            for _ in 0..<5 { fleet.append(try await nodes.start()) }
            for a in fleet { for b in fleet where a !== b { try Self.link(a, b) } }
            // A first round proves every key, so the second counts only what a write costs.
            for round in 1...2 {
                let before = Self.totals(fleet)
                try fleet[0].write(1)
                fleet[0].manager.localWriteHappened()
                try await Self.settle(fleet, count: round)
                let after = Self.totals(fleet)
                #expect(after.eventsReceived - before.eventsReceived == 4, "round \(round)")
                #expect(after.notifiesSent - before.notifiesSent == 4, "round \(round): only the writer announces")
                #expect(after.pagesReceived - before.pagesReceived == 4, "round \(round)")
                if round == 2 { #expect(after.peerInfosSent == before.peerInfosSent, "proofs are reused") }
            }
        }
    }

    @Test func inALineEveryDaemonHearsByPushThroughTheRelays() async throws {
        try await withNodes { nodes in
            var line: [SyncNode] = []
            for _ in 0..<4 { line.append(try await nodes.start()) }
            for (a, b) in zip(line, line.dropFirst()) {
                try Self.link(a, b)
                try Self.link(b, a)
            }
            try line[0].write(3)
            line[0].manager.localWriteHappened()
            try await Self.settle(line, count: 3)
            let totals = Self.totals(line)
            #expect(totals.eventsReceived == 9, "each of the three others receives the three events once")
            #expect(totals.notifiesSent == 3, "one announcement per hop, none back to where the events came from")
        }
    }

    @Test func aNotifyFromAPeerWithNothingNewCausesNoPull() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try Self.link(b, a)
            try a.write(2)
            _ = await b.manager.pull(from: Self.record(of: a))
            let pulls = b.manager.traffic.snapshot.pagesReceived
            let vector = try a.store.versionVector()
            let status = await b.manager.notified(NotifyParams(daemonID: a.daemonID, latestSeq: 99, eventCount: 2, have: vector),
                                            by: RPCPeer(origin: .tcp(ip: "127.0.0.1", port: 40000)))
            #expect(status == .ok)
            #expect(b.manager.traffic.snapshot.pagesReceived == pulls)
        }
    }
}
