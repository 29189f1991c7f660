import ThrumTestSupport
import Testing
import ThrumCore
@testable import ThrumStore

@Suite("Event log")
struct EventLogTests {
    @Test("appendLocal numbers each origin's events 1, 2, 3 and gives increasing local seqs")
    func appendLocalSequences() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let alpha = Origin(), beta = Origin()

        let first = try alpha.append(.register("alice"), to: store)
        let second = try alpha.append(.register("bob"), to: store)
        let otherOrigin = try beta.append(.register("carol"), to: store)
        let third = try alpha.append(.register("dave"), to: store)

        #expect([first, second, third].map(\.event.sequence) == [1, 2, 3])
        #expect(otherOrigin.event.sequence == 1)
        #expect([first, second, otherOrigin, third].map(\.seq) == [1, 2, 3, 4])
        #expect(first.receivedFrom == nil)
        #expect(try store.latestSeq() == 4)
        #expect(try store.eventCount() == 4)
    }

    @Test("stored events keep a valid signature and read back equal to what was written")
    func signedEventsRoundTrip() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()

        let written = try origin.append(.send("msg_1", from: "alice", to: "@bob", "tab\tnewline\n \"quoted\" ünï"),
                                        to: store)
        let page = try store.events(afterSeq: 0, limit: 10, maxBytes: 1 << 20)

        #expect(page.events == [written])
        #expect(page.events.first?.event.verifySignature() == nil)
    }

    @Test("an error from the event builder is rethrown and nothing is written")
    func failedBuildWritesNothing() throws {
        struct SigningFailed: Error {}
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()

        #expect(throws: SigningFailed.self) {
            try store.appendLocal(originDaemon: origin.id) { _ in throw SigningFailed() }
        }
        #expect(try store.eventCount() == 0)
        // The failed attempt used no sequence number.
        #expect(try origin.append(.register("alice"), to: store).event.sequence == 1)
    }

    @Test("an event built for another origin or sequence is refused")
    func mismatchedLocalEventRefused() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin(), other = Origin()

        #expect(throws: StoreError.self) {
            try store.appendLocal(originDaemon: origin.id) { link in
                other.event(.agentRegister, AgentRegistered(agent: "x", role: nil, host: nil), link: link)
            }
        }
        #expect(throws: StoreError.self) {
            try store.appendLocal(originDaemon: origin.id) { link in
                origin.event(.agentRegister, AgentRegistered(agent: "x", role: nil, host: nil), sequence: link.sequence + 5)
            }
        }
        #expect(try store.eventCount() == 0)
    }

    @Test("applying the same batch twice applies it once, then skips every event; the checkpoint moves")
    func batchDeduplication() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let remote = Origin()
        let batch = remote.events([.register("alice"), .register("bob"), .send("m1", from: "alice", to: "@bob", "hi")])

        let first = try store.applyBatch(batch, quarantined: [], from: "d_peer", checkpoint: 3, localDaemon: "d_local")
        #expect(first.applied.map(\.event) == batch)
        #expect(first.applied.map(\.seq) == [1, 2, 3])
        #expect(first.applied.allSatisfy { $0.receivedFrom == "d_peer" })
        #expect(first.skipped == 0)
        #expect(try store.checkpoint(peer: "d_peer")?.lastSeq == 3)
        #expect(try store.checkpoint(peer: "d_peer")?.status == "idle")

        let again = try store.applyBatch(batch, quarantined: [], from: "d_peer", checkpoint: 7, localDaemon: "d_local")
        #expect(again.applied.isEmpty)
        #expect(again.skipped == 3)
        #expect(try store.eventCount() == 3)
        #expect(try store.checkpoint(peer: "d_peer")?.lastSeq == 7)
        #expect(try store.latestSeq() == 3)
    }

    @Test("a duplicate inside one batch is applied once")
    func duplicateWithinBatch() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let event = Origin().events([.register("alice")])[0]

        let result = try store.applyBatch([event, event], quarantined: [], from: "d_peer", checkpoint: 2, localDaemon: "d_local")
        #expect(result.applied.count == 1)
        #expect(result.skipped == 1)
    }

    @Test("quarantined events are recorded with the batch and listed per peer")
    func quarantineRecorded() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let bad = QuarantinedEvent(eventID: "evt_bad", receivedAt: "2025-06-15T12:00:00.000Z", fromDaemon: "d_peer",
                                   reason: "signature verification failed", stage: "signature", eventJSON: "{}")
        let undecodable = QuarantinedEvent(eventID: nil, receivedAt: "2025-06-15T12:00:05.000Z", fromDaemon: "d_peer",
                                           reason: "not JSON", stage: "decode", eventJSON: "{oops")
        let elsewhere = QuarantinedEvent(eventID: "evt_x", receivedAt: "2025-06-15T12:00:01.000Z", fromDaemon: "d_other",
                                         reason: "unknown type", stage: "schema", eventJSON: "{}")

        let result = try store.applyBatch([], quarantined: [bad, undecodable], from: "d_peer", checkpoint: 2, localDaemon: "d_local")
        _ = try store.applyBatch([], quarantined: [elsewhere], from: "d_other", checkpoint: 1, localDaemon: "d_local")

        #expect(result.quarantined.count == 2)
        #expect(try store.quarantined(peer: "d_peer") == [bad, undecodable])
        #expect(try store.quarantined(peer: nil) == [bad, undecodable, elsewhere])
        #expect(try store.quarantined(peer: nil, limit: 2) == [undecodable, elsewhere])
        #expect(try store.quarantined(peer: "d_peer", limit: 1) == [undecodable])
        #expect(try store.quarantinedCount(peer: "d_peer", since: "2025-06-15T12:00:01.000Z") == 1)
        #expect(try store.eventCount() == 0)
    }

    @Test("a pulled page sets its peer's checkpoint; a peer never pulled from has none")
    func checkpointPerPeer() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))

        _ = try store.applyBatch([], quarantined: [], from: "d_a", checkpoint: 42, localDaemon: "d_local")
        _ = try store.applyBatch([], quarantined: [], from: "d_b", checkpoint: 7, localDaemon: "d_local")
        _ = try store.applyBatch([], quarantined: [], from: "d_a", checkpoint: 43, localDaemon: "d_local")

        #expect(try store.checkpoint(peer: "d_a")?.lastSeq == 43)
        #expect(try store.checkpoint(peer: "d_a")?.status == "idle")
        #expect(try store.checkpoint(peer: "d_b")?.lastSeq == 7)
        #expect(try store.checkpoint(peer: "d_c") == nil)
    }

    @Test("paging returns events in seq order and says whether more remain (limit+1)")
    func pagingByLimit() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        for index in 1...5 { try origin.append(.register("agent\(index)"), to: store) }

        let first = try store.events(afterSeq: 0, limit: 2, maxBytes: 1 << 20)
        #expect(first.events.map(\.seq) == [1, 2])
        #expect(first.more)
        let middle = try store.events(afterSeq: 2, limit: 2, maxBytes: 1 << 20)
        #expect(middle.events.map(\.seq) == [3, 4])
        #expect(middle.more)
        let last = try store.events(afterSeq: 4, limit: 2, maxBytes: 1 << 20)
        #expect(last.events.map(\.seq) == [5])
        #expect(!last.more)
        let exact = try store.events(afterSeq: 0, limit: 5, maxBytes: 1 << 20)
        #expect(exact.events.count == 5)
        #expect(!exact.more)
        let past = try store.events(afterSeq: 5, limit: 2, maxBytes: 1 << 20)
        #expect(past.events.isEmpty)
        #expect(!past.more)
    }

    @Test("paging stops before the byte cap but always returns at least one event")
    func pagingByBytes() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        let text = String(repeating: "x", count: 1000)
        for index in 1...4 { try origin.append(.send("m\(index)", from: "a", to: "@b", text), to: store) }
        let cost = try #require(store.events(afterSeq: 0, limit: 1, maxBytes: 1 << 20).events.first)
            .event.data.utf8.count + 512

        let twoFit = try store.events(afterSeq: 0, limit: 100, maxBytes: 2 * cost + cost / 2)
        #expect(twoFit.events.map(\.seq) == [1, 2])
        #expect(twoFit.more)
        let exactlyTwo = try store.events(afterSeq: 0, limit: 100, maxBytes: 2 * cost)
        #expect(exactlyTwo.events.map(\.seq) == [1, 2])
        let tiny = try store.events(afterSeq: 0, limit: 100, maxBytes: 1)
        #expect(tiny.events.map(\.seq) == [1])
        #expect(tiny.more)
        let lastOne = try store.events(afterSeq: 3, limit: 100, maxBytes: 1)
        #expect(lastOne.events.map(\.seq) == [4])
        #expect(!lastOne.more)
    }

    @Test("a reopened store keeps events, checkpoints, quarantine, projections and read marks")
    func reopenKeepsEverything() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let path = directory.file("thrum.db")
        let origin = Origin(), remote = Origin()
        let quarantined = QuarantinedEvent(eventID: "evt_q", receivedAt: "2025-06-15T12:00:00.000Z", fromDaemon: "d_peer",
                                           reason: "bad", stage: "signature", eventJSON: "{}")
        let before: (events: [StoredEvent], snapshot: String)
        do {
            let store = try EventStore(path: path)
            try origin.append(.register("alice"), to: store)
            _ = try store.applyBatch(remote.events([.register("bob"), .send("m1", from: "bob", to: "@alice", "hi")]),
                                     quarantined: [quarantined], from: "d_peer", checkpoint: 9, localDaemon: "d_local")
            try store.markRead(agent: origin.at("alice"), messageID: remote.msg("m1"))
            before = (try store.events(afterSeq: 0, limit: 100, maxBytes: 1 << 20).events, try store.projectionSnapshot())
            store.close()
            #expect(throws: StoreError.self) { try store.eventCount() }
        }

        let reopened = try EventStore(path: path)
        #expect(try reopened.events(afterSeq: 0, limit: 100, maxBytes: 1 << 20).events == before.events)
        #expect(try reopened.projectionSnapshot() == before.snapshot)
        #expect(try reopened.checkpoint(peer: "d_peer")?.lastSeq == 9)
        #expect(try reopened.quarantined(peer: "d_peer") == [quarantined])
        #expect(try reopened.message(id: remote.msg("m1"), readBy: origin.at("alice"))?.read == true)
        #expect(try origin.append(.register("carol"), to: reopened).event.sequence == 2)
    }

    @Test("the database runs in WAL mode with synchronous=FULL and foreign keys on")
    func durabilityPragmas() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))

        let pragmas = try store.withConnection { (connection) throws(StoreError) -> [String] in
            [try connection.queryFirst("PRAGMA journal_mode") { $0.string(0) } ?? "",
             String(try connection.scalarInt("PRAGMA synchronous")),
             String(try connection.scalarInt("PRAGMA foreign_keys")),
             String(try connection.scalarInt("PRAGMA busy_timeout")),
             String(try connection.scalarInt("PRAGMA user_version"))]
        }
        #expect(pragmas == ["wal", "2", "1", "5000", "\(Schema.migrations.count)"])
    }

    @Test("a store written by a newer schema is refused with a message saying what to do")
    func newerSchemaRefused() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let path = directory.file("thrum.db")
        do {
            let store = try EventStore(path: path)
            try store.withConnection { (connection) throws(StoreError) in try connection.execute("PRAGMA user_version = 99") }
        }

        let error = #expect(throws: StoreError.self) { try EventStore(path: path) }
        #expect(error?.kind == .schemaTooNew)
        #expect(error?.description.contains("newer thrum") == true)
    }

    @Test("a path that cannot be opened gives an SQLite error naming the path")
    func unopenablePath() throws {
        let error = #expect(throws: StoreError.self) {
            try EventStore(path: "/nonexistent-thrum-directory/thrum.db")
        }
        #expect(error?.kind == .sqlite)
        #expect(error?.description.contains("/nonexistent-thrum-directory/thrum.db") == true)
        #expect(error?.description.contains("state directory exists") == true)
    }
}
