import ThrumTestSupport
import Testing
import ThrumCore
import ThrumStore

@Suite("Quarantine bound")
struct QuarantineBoundTests {
    func entry(_ n: Int, json: String = "{}") -> QuarantinedEvent {
        QuarantinedEvent(eventID: "evt_\(n)", receivedAt: "2025-06-15T12:00:00.000Z", fromDaemon: "d_peer",
                         reason: "refused", stage: "schema", eventJSON: json)
    }

    /// A fresh store in a temporary directory, with `bound`.
    func withStore(_ bound: QuarantineBound, _ body: (EventStore) throws -> Void) throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        store.quarantineBound = bound
        try body(store)
    }

    @Test("past the row cap the oldest entries go first, and they are counted")
    func rowCap() throws {
        try withStore(QuarantineBound(maxEvents: 3)) { store in
            _ = try store.applyBatch([], quarantined: (1...2).map { entry($0) }, from: "d_peer", checkpoint: 1, localDaemon: "d_local")
            let result = try store.applyBatch([], quarantined: (3...5).map { entry($0) }, from: "d_peer", checkpoint: 2, localDaemon: "d_local")
            #expect(result.quarantineDropped == 2)
            #expect(try store.quarantined(peer: nil).map(\.eventID) == ["evt_3", "evt_4", "evt_5"])
            #expect(store.quarantineDropped == 2)
        }
    }

    @Test("past the byte cap the oldest entries go first")
    func byteCap() throws {
        try withStore(QuarantineBound(maxBytes: 250)) { store in
            let json = String(repeating: "x", count: 100)
            for n in 1...4 { _ = try store.applyBatch([], quarantined: [entry(n, json: json)], from: "d_peer", checkpoint: Int64(n), localDaemon: "d_local") }
            #expect(try store.quarantined(peer: nil).map(\.eventID) == ["evt_3", "evt_4"])
            #expect(store.quarantineDropped == 2)
        }
    }

    @Test("an oversized event is kept as an excerpt that says so")
    func excerpt() throws {
        try withStore(QuarantineBound(keepWholeUpTo: 1000, excerptBytes: 10)) { store in
            let big = String(repeating: "y", count: 5000)
            _ = try store.applyBatch([], quarantined: [entry(1, json: big), entry(2, json: "{\"a\":1}")], from: "d_peer", checkpoint: 1, localDaemon: "d_local")
            let kept = try store.quarantined(peer: nil)
            #expect(kept[0].eventJSON == "yyyyyyyyyy… (excerpt: the event was 5000 bytes)")
            #expect(kept[1].eventJSON == "{\"a\":1}")
        }
    }
}
