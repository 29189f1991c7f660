import Testing
import ThrumCore
import ThrumStore
@testable import ThrumSync

@Suite struct PullTests {
    @Test func eventsWrittenOnAReachBVerifiedAndWhole() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try a.write(25)
            let peer = try await b.manager.addPeer(address: a.address)
            #expect(peer.daemonID == a.daemonID)
            let outcome = await b.manager.pull(from: peer)
            #expect(outcome.error == nil)

            let onA = try a.allEvents()
            let onB = try b.allEvents()
            #expect(Set(onB) == Set(onA))
            #expect(onB.allSatisfy { $0.verifySignature() == nil })
            #expect(try b.store.checkpoint(peer: a.daemonID)?.lastSeq == a.store.latestSeq())
            #expect(b.appliedEvents.withLock { $0.count } == 25)
        }
    }

    @Test func aSecondPullResumesAtTheCheckpointAndMovesNothing() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try a.write(30)
            let peer = try await b.manager.addPeer(address: a.address)
            _ = await b.manager.pull(from: peer)
            let before = b.manager.traffic.snapshot.eventsReceived

            let again = await b.manager.pull(from: peer)
            #expect(again.error == nil)
            #expect(again.applied == 0)
            #expect(b.manager.traffic.snapshot.eventsReceived == before)

            try a.write(4)
            let more = await b.manager.pull(from: peer)
            #expect(more.applied == 4)
            #expect(b.manager.traffic.snapshot.eventsReceived == before + 4)
        }
    }

    @Test func smallPagesAreFollowedUntilNothingIsLeft() async throws {
        try await withNodes { nodes in
            var options = SyncManager.Options()
            options.pageLimit = 7
            let a = try await nodes.start()
            let b = try await nodes.start(options: options)
            try a.write(25)
            let peer = try await b.manager.addPeer(address: a.address)
            _ = await b.manager.pull(from: peer)
            #expect(try b.store.eventCount() == 25)
            // 7 + 7 + 7 + 4, plus one empty page for the pull that comes after.
            #expect(b.manager.traffic.snapshot.pagesReceived >= 4)
        }
    }

    @Test func pagesCutAtTheByteBudgetStillDeliverEverything() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start(byteBudget: 2_000)
            let b = try await nodes.start()
            try a.write(20)
            let peer = try await b.manager.addPeer(address: a.address)
            _ = await b.manager.pull(from: peer)
            #expect(Set(try b.allEvents()) == Set(try a.allEvents()))
            #expect(b.manager.traffic.snapshot.pagesReceived > 5)
        }
    }

    @Test func aForgedEventIsQuarantinedAndTheCheckpointMovesPastIt() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try a.write(3)
            let forged = try a.writeForged()
            try a.write(3)
            let peer = try await b.manager.addPeer(address: a.address)
            let outcome = await b.manager.pull(from: peer)
            // The pull started by addPeer may have done the work; count on the store.
            #expect(outcome.error == nil)
            #expect(try b.store.eventCount() == 6)
            #expect(try !b.store.events(afterSeq: 0, limit: 100, maxBytes: .max).events.contains { $0.event.eventID == forged.event.eventID })
            let quarantined = try b.store.quarantined(peer: a.daemonID)
            #expect(quarantined.count == 1)
            #expect(quarantined.first?.eventID == forged.event.eventID)
            #expect(quarantined.first?.stage == "signature")
            #expect(quarantined.first?.reason == Event.SignatureProblem.invalid.description)
            #expect(try b.store.checkpoint(peer: a.daemonID)?.lastSeq == a.store.latestSeq())
            #expect(!b.logs.messages(containing: "[quarantine] event \(forged.event.eventID) from \(a.daemonID)").isEmpty)

            let before = b.manager.traffic.snapshot.eventsReceived
            _ = await b.manager.pull(from: peer)
            #expect(b.manager.traffic.snapshot.eventsReceived == before)
            #expect(try b.store.quarantined(peer: a.daemonID).count == 1)
        }
    }

    @Test func relayedEventsReachADaemonThatNeverTalksToTheOrigin() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            let c = try await nodes.start()
            try a.write(10)
            try b.write(2)
            _ = await b.manager.pull(from: try await b.manager.addPeer(address: a.address))

            _ = await c.manager.pull(from: try await c.manager.addPeer(address: b.address))
            #expect(c.registry.all().map(\.daemonID) == [b.daemonID])
            let onC = Set(try c.allEvents())
            #expect(onC == Set(try b.allEvents()))
            #expect(onC.isSuperset(of: try a.allEvents()))
            #expect(onC.allSatisfy { $0.verifySignature() == nil })
        }
    }

    @Test func eventsAPullerHoldsAreNotSentAgain() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            let c = try await nodes.start()
            try a.write(10)
            _ = await b.manager.pull(from: try await b.manager.addPeer(address: a.address))
            _ = await c.manager.pull(from: try await c.manager.addPeer(address: a.address))
            #expect(try c.store.eventCount() == 10)

            let viaB = try await c.manager.addPeer(address: b.address)
            _ = await c.manager.pull(from: viaB)
            #expect(try c.store.eventCount() == 10)
            // C's pull names what it holds (its version vector), so B sends none of A's 10 again.
            #expect(c.manager.traffic.snapshot.eventsReceived == 10)
            #expect(c.appliedEvents.withLock { $0.count } == 10)
        }
    }
}
