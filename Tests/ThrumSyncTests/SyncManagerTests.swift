import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
import ThrumRPC
@testable import ThrumSync

@Suite struct SyncManagerTests {
    @Test func addingItselfIsRefused() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            await #expect(throws: SyncManagerError.isSelf("\(a.address) is this daemon (\(a.daemonID)); add another machine's address")) {
                try await a.manager.addPeer(address: a.address)
            }
            #expect(a.registry.all().isEmpty)
        }
    }

    @Test func aPeerWhoseIDDoesNotMatchItsKeyIsRefused() async throws {
        try await withNodes { nodes in
            let real = try await nodes.start()
            let a = try await nodes.start()
            let liar = FakePeer { _ in
                .result(PeerInfo(daemonID: "d_aaaaaaaaaaaaaaaa", hostname: "liar", publicKey: real.identity.publicKeyBase64,
                                 fingerprint: real.identity.fingerprint, version: "0.1.0", latestSeq: 0))
            }
            let port = try await nodes.start(liar)
            do {
                _ = try await a.manager.addPeer(address: "127.0.0.1:\(port)")
                Issue.record("a peer with a mismatched daemon ID was added")
            } catch let error as SyncManagerError {
                #expect(error.description.contains("claims daemon ID d_aaaaaaaaaaaaaaaa but its public key belongs to \(real.daemonID)"))
            }
            #expect(a.registry.all().isEmpty)
        }
    }

    @Test func badAndUnreachableAddressesSayWhatToDo() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            await #expect(throws: SyncManagerError.self) { try await a.manager.addPeer(address: "host:notaport") }
            let port = try nodes.closedPort()
            do {
                _ = try await a.manager.addPeer(address: "127.0.0.1:\(port)")
                Issue.record("an unreachable peer was added")
            } catch let error as SyncManagerError {
                #expect(error.description.contains("cannot ask 127.0.0.1:\(port) who it is"))
                #expect(error.description.contains("THRUM_TAILSCALE_ENABLED=true"))
            }
        }
    }

    @Test func statusShowsPeersAndTheirLastSync() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            b.manager.setListening(b.address)
            let peer = try await b.manager.addPeer(address: a.address)
            #expect(peer.source == .manual)
            #expect(peer.fingerprint == a.identity.fingerprint)
            let outcomes = await b.manager.forceSync()
            #expect(outcomes.count == 1)
            #expect(outcomes.first?.daemonID == a.daemonID)
            #expect(outcomes.first?.peer == a.address)
            #expect(outcomes.first?.error == nil)

            let summary = b.manager.summary()
            #expect(summary.enabled)
            #expect(summary.peerCount == 1)
            #expect(summary.listening == b.address)
            #expect(summary.registryProblem == nil)
            let shown = try #require(summary.peers.first)
            #expect(shown.daemonID == a.daemonID)
            #expect(shown.address == a.address)
            #expect(shown.status == "idle")
            #expect(shown.lastSync != nil)
            #expect(summary.lastSync == shown.lastSync)
            // last_sync is on disk too, for the scheduler after a restart.
            #expect(PeerRegistry(path: b.registry.path).peer(daemonID: a.daemonID)?.lastSync == shown.lastSync)
        }
    }

    @Test func aFailedPullShowsTheErrorInTheStatus() async throws {
        try await withNodes { nodes in
            let b = try await nodes.start()
            let port = try nodes.closedPort()
            try b.registry.upsert(.fake(daemonID: "d_gonegonegonegone", port: port))
            let outcome = try #require(await b.manager.forceSync().first)
            #expect(outcome.error?.description.contains("cannot connect to 127.0.0.1:\(port)") == true)
            #expect(b.manager.peerSummaries().first?.status.hasPrefix("error: ") == true)
            #expect(b.manager.peerSummaries().first?.lastSync == nil)
        }
    }

    @Test func periodicSyncLogsItsScheduleAndCatchesUpAtStart() async throws {
        try await withNodes { nodes in
            let a = try await nodes.start()
            let b = try await nodes.start()
            try a.write(3)
            try b.registry.upsert(PeerRecord(daemonID: a.daemonID, hostname: "a", address: a.address, tailscaleIP: nil,
                                             publicKey: a.identity.publicKeyBase64, fingerprint: a.identity.fingerprint,
                                             source: .manual, addedAt: Timestamp.now()))
            let running = Task { await b.manager.run() }
            try await eventually("B caught up") { try b.store.eventCount() == 3 }
            running.cancel()
            await running.value

            let start = b.logs.messages(containing: "periodic_sync: starting")
            #expect(start.map(\.message) == ["periodic_sync: starting with interval=5m0s, recent_threshold=2m0s"])
            #expect(start.first?.metadata["component"] == "periodic_sync")
            // After run() ends the manager is shut down: no more pulls.
            #expect(await b.manager.pull(from: try #require(b.registry.all().first)).error != nil)
        }
    }
}
