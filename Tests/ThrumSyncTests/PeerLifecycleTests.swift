import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
import ThrumRPC
import ThrumSystem
import ThrumTailscale
@testable import ThrumSync

/// Peers come and go (DESIGN §6): backoff of unreachable peers, expiry, and a
/// known address that now answers with another key.
@Suite struct PeerLifecycleTests {
    private static func record(of node: SyncNode) -> PeerRecord { .of(node) }

    private static func node(with clock: FakeClock, _ nodes: TestNodes) async throws -> SyncNode {
        var options = SyncManager.Options()
        options.clock = { clock.now() }
        return try await nodes.start(options: options)
    }

    private static func warnings(_ node: SyncNode, about daemonID: String) -> [String] {
        node.logs.all.filter { $0.level >= .warning && $0.message.contains(daemonID) }.map(\.message)
    }

    @Test func theWaitDoublesFromOneSecondToFiveMinutesAndASuccessEndsIt() {
        let clock = FakeClock()
        let backoff = PeerBackoff(now: { clock.now() })
        #expect(backoff.failed("d_x") == .becameUnreachable)
        var waits = [backoff.state(of: "d_x")?.remaining]
        for _ in 0..<10 {
            #expect(backoff.failed("d_x") == .none)
            waits.append(backoff.state(of: "d_x")?.remaining)
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map { Duration.seconds($0) })
        clock.advance(by: .seconds(299))
        #expect(backoff.isWaiting("d_x"))
        clock.advance(by: .seconds(1))
        #expect(!backoff.isWaiting("d_x"))
        #expect(backoff.succeeded("d_x") == .cameBack(failures: 11))
        #expect(backoff.state(of: "d_x") == nil)
        #expect(backoff.succeeded("d_x") == .none)
    }

    @Test func anUnreachablePeerIsSkippedUntilItsRetryIsDueAndWarnedAboutOnce() async throws {
        try await withNodes { nodes in
            let clock = FakeClock()
            let b = try await Self.node(with: clock, nodes)
            let port = try nodes.closedPort()
            let gone = "d_gonegonegonegone"
            try b.registry.upsert(.fake(daemonID: gone, port: port))
            func periodicPass() async { await b.manager.pullStalePeers(olderThan: 0, logger: b.logs.logger()) }
            func shown() throws -> PeerSyncState { try #require(b.manager.peerSummaries().first) }

            await periodicPass()
            #expect(try shown().failures == 1)
            #expect(try shown().retryInMilliseconds == 1000)
            #expect(try shown().retryAt != nil)

            // Not due yet: the periodic pass and a write's notify leave it alone.
            await periodicPass()
            b.manager.localWriteHappened()
            #expect(b.manager.notifier.isIdle)
            #expect(try shown().failures == 1)

            clock.advance(by: .seconds(1))
            await periodicPass()
            #expect(try shown().failures == 2)
            #expect(try shown().retryInMilliseconds == 2000)

            // A forced sync is someone asking: it tries the peer anyway.
            let forced = try #require(await b.manager.forceSync().first)
            #expect(forced.error?.description.contains("cannot connect to 127.0.0.1:\(port)") == true)
            #expect(try shown().failures == 3)
            #expect(try shown().retryInMilliseconds == 4000)

            let warned = Self.warnings(b, about: gone)
            #expect(warned.count == 1)
            #expect(warned.first?.contains("sync: peer \(gone) at 127.0.0.1:\(port) is unreachable: cannot connect") == true)
            #expect(warned.first?.contains("backing off (next try in 1s, waits double up to 5m0s)") == true)
        }
    }

    @Test func aPeerThatAnswersAgainIsNoLongerBackedOffAndThatIsLoggedOnce() async throws {
        try await withNodes { nodes in
            let clock = FakeClock()
            let a = try await nodes.start()
            try a.write(3)
            let b = try await Self.node(with: clock, nodes)
            var moved = Self.record(of: a)
            moved.address = "127.0.0.1:\(try nodes.closedPort())"
            try b.registry.upsert(moved)
            await b.manager.pullStalePeers(olderThan: 0, logger: b.logs.logger())
            #expect(b.manager.peerSummaries().first?.failures == 1)

            try b.registry.upsert(Self.record(of: a))
            clock.advance(by: .seconds(1))
            await b.manager.pullStalePeers(olderThan: 0, logger: b.logs.logger())
            #expect(try b.store.eventCount() == 3)
            let shown = try #require(b.manager.peerSummaries().first)
            #expect(shown.failures == 0)
            #expect(shown.retryAt == nil && shown.retryInMilliseconds == nil)
            let back = b.logs.messages(containing: "is reachable again")
            #expect(back.map(\.message) == ["sync: peer \(a.daemonID) at \(a.address) is reachable again (answered after 1 failed attempt)"])
            #expect(back.first?.level == .info)
        }
    }

    @Test func aNotifyFromABackedOffPeerEndsItsBackoff() async throws {
        try await withNodes { nodes in
            let clock = FakeClock()
            let a = try await nodes.start()
            let b = try await Self.node(with: clock, nodes)
            var unreachable = Self.record(of: a)
            unreachable.address = "127.0.0.1:\(try nodes.closedPort())"
            try b.registry.upsert(unreachable)
            await b.manager.pullStalePeers(olderThan: 0, logger: b.logs.logger())
            #expect(b.manager.backoff.isWaiting(a.daemonID))

            try a.registry.upsert(Self.record(of: b))
            try a.write(1)
            a.manager.localWriteHappened()
            try await eventually("B hears from A") {
                !b.logs.messages(containing: "is reachable again (sent a notify after 1 failed attempt)").isEmpty
            }
        }
    }

    @Test(arguments: ["forced", "periodic"])
    func aDeadPeerDoesNotDelaySyncWithALivePeer(pass: String) async throws {
        try await withNodes { nodes in
            let release = Latch()
            // Accepts the connection and never answers, until the test ends.
            let blackHole = FakePeer { _ in
                await release.wait()
                return .error(.internalError("gone"))
            }
            let holePort = try await nodes.start(blackHole)
            let a = try await nodes.start()
            try a.write(5)
            let b = try await nodes.start()
            try b.registry.upsert(.fake(daemonID: "d_blackhole000000", port: holePort))
            try b.registry.upsert(.fake(daemonID: "d_closedport00000", port: try nodes.closedPort()))
            try b.registry.upsert(Self.record(of: a))

            let running = Task {
                if pass == "forced" {
                    _ = await b.manager.forceSync()
                } else {
                    await b.manager.pullStalePeers(olderThan: 0, logger: b.logs.logger())
                }
            }
            try await eventually("B has the live peer's events") { try b.store.eventCount() == 5 }
            // …while the pull from the black hole still waits for an answer.
            #expect(b.manager.flights.isRunning("d_blackhole000000"))
            #expect(blackHole.count(SyncMethod.peerInfo.rawValue) == 1)
            release.open()
            await running.value
            #expect(b.manager.peerSummaries().first { $0.daemonID == a.daemonID }?.status == "idle")
        }
    }

    @Test func peersUnseenLongerThanTheExpiryAreDroppedButOneThatAnswersStays() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            try a.write(1)
            let b = try await nodes.start()
            let eightDaysAgo = Timestamp.format(Date().addingTimeInterval(-8 * 86400))
            let runnerPort = try nodes.closedPort()
            var runner = PeerRecord.fake(daemonID: "d_oldrunner000000", port: runnerPort)
            runner.hostname = "ci-runner-7"
            runner.lastSync = eightDaysAgo
            var neverSynced = PeerRecord.fake(daemonID: "d_neversynced0000", port: try nodes.closedPort())
            neverSynced.addedAt = eightDaysAgo
            let fresh = PeerRecord.fake(daemonID: "d_freshfailing000", port: try nodes.closedPort())
            // This daemon was off for a week; the peer answers, so it stays.
            var holiday = Self.record(of: a)
            holiday.lastSync = eightDaysAgo
            for peer in [runner, neverSynced, fresh, holiday] { try b.registry.upsert(peer) }

            let running = Task { await b.manager.run() }
            try await eventually("the periodic pass drops the two unseen peers") { b.registry.all().count == 2 }
            running.cancel()
            await running.value

            #expect(Set(PeerRegistry(path: b.registry.path).all().map(\.daemonID)) == [a.daemonID, fresh.daemonID])
            let dropped = b.logs.messages(containing: "periodic_sync: dropped peer").map(\.message)
            #expect(dropped.count == 2)
            #expect(dropped.contains("periodic_sync: dropped peer d_oldrunner000000 (ci-runner-7) at 127.0.0.1:\(runnerPort): unseen for 8d (last sync \(eightDaysAgo)), longer than THRUM_PEER_EXPIRY=7d; discovery or thrum tsync peers add brings it back"))
            #expect(dropped.contains { $0.contains("d_neversynced0000") && $0.contains("never synced, added \(eightDaysAgo)") })
        }
    }

    @Test func removingAPeerByAddressOrDaemonIDStopsContactingIt() async throws {
        try await withNodes { nodes in
            let b = try await nodes.start()
            let one = PeerRecord.fake(daemonID: "d_removedbyaddr00", port: try nodes.closedPort())
            let two = PeerRecord.fake(daemonID: "d_removedbyid0000", port: try nodes.closedPort())
            try b.registry.upsert(one)
            try b.registry.upsert(two)
            #expect(try b.manager.removePeer(" \(one.address) ").map(\.daemonID) == [one.daemonID])
            #expect(try b.manager.removePeer(two.daemonID).map(\.daemonID) == [two.daemonID])
            #expect(PeerRegistry(path: b.registry.path).all().isEmpty)
            b.manager.localWriteHappened()
            #expect(b.manager.notifier.isIdle)
            #expect(throws: SyncManagerError.notFound("no known peer has the daemon ID or address \"d_removedbyid0000\"; thrum tsync peers list shows the known ones")) {
                try b.manager.removePeer(two.daemonID)
            }
        }
    }

    @Test func discoveryAsksAgainAKnownAddressThatNowAnswersWithAnotherKey() async throws {
        try await withNodes { nodes in
            let clock = FakeClock()
            let before = DaemonIdentity(keyPair: Ed25519KeyPair.generate())
            let reimaged = try await nodes.start()
            try reimaged.write(2)
            let b = try await Self.node(with: clock, nodes)
            try b.registry.upsert(PeerRecord(daemonID: before.daemonID, hostname: "runner", address: reimaged.address,
                                             tailscaleIP: "127.0.0.1", publicKey: before.publicKeyBase64,
                                             fingerprint: before.fingerprint, source: .discovered,
                                             addedAt: Timestamp.now()))
            var config = ThrumConfig()
            config.tailscalePort = reimaged.port
            config.requiredTags = []
            let runner = PeerStatus(hostName: "runner", dnsName: "", tailscaleIPs: ["127.0.0.1"], online: true)
            let status = TailscaleStatus(selfNode: nil, peers: ["nodekey:runner": runner])
            let discovery = PeerDiscovery(manager: b.manager, config: config, logger: b.logs.logger()) { status }

            // A known address that answers as registered is not asked again.
            #expect(await discovery.discoverOnce().isEmpty)
            let pulled = try #require(await b.manager.forceSync().first)
            #expect(pulled.error?.description.contains("now answers as \(reimaged.daemonID), not \(before.daemonID)") == true)
            // A notify the new daemon answers proves nothing about who it is.
            clock.advance(by: .seconds(1))
            b.manager.localWriteHappened()
            try await eventually("the notify is answered") { b.manager.traffic.snapshot.notifiesSent == 1 }

            let added = await discovery.discoverOnce()
            #expect(added.map(\.daemonID) == [reimaged.daemonID])
            #expect(PeerRegistry(path: b.registry.path).all().map(\.daemonID) == [reimaged.daemonID])
            #expect(!b.logs.messages(containing: "discovery: runner now answers as \(reimaged.daemonID) with a new key (re-imaged?); it replaces \(before.daemonID)").isEmpty)
            try await eventually("B pulls from the re-imaged runner") { try b.store.eventCount() == 2 }
        }
    }
}

extension PeerRecord {
    /// A registry entry for a running node, as adding it by hand would make.
    static func of(_ node: SyncNode) -> PeerRecord {
        PeerRecord(daemonID: node.daemonID, hostname: "peer", address: node.address, tailscaleIP: nil,
                   publicKey: node.identity.publicKeyBase64, fingerprint: node.identity.fingerprint, source: .manual,
                   addedAt: Timestamp.now())
    }
}
