import ThrumTestSupport
import Testing
import ThrumCore
import ThrumStore

@Suite("Version vector")
struct VersionVectorTests {
    @Test("an origin's frontier stops at the first missing sequence and moves on when it arrives")
    func frontierFollowsContiguity() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let a = Origin(), b = Origin()
        let events = a.events((1...5).map { .send("m\($0)", from: "alice", to: "@bob", "n\($0)") })
        _ = try store.applyBatch([events[0], events[1], events[3], events[4]], quarantined: [], from: "d_peer",
                                 checkpoint: 1, localDaemon: "d_local")
        _ = try store.applyBatch([b.event(.register("bob"), sequence: 1, second: 1)], quarantined: [], from: "d_peer",
                                 checkpoint: 2, localDaemon: "d_local")
        #expect(try store.versionVector() == [a.id: 2, b.id: 1])
        #expect(try store.eventCount() == 5)

        _ = try store.applyBatch([events[2], events[2]], quarantined: [], from: "d_peer", checkpoint: 3, localDaemon: "d_local")
        #expect(try store.versionVector() == [a.id: 5, b.id: 1])
        #expect(try store.eventCount() == 6, "the duplicate is not counted")
        try Origin().append(.register("carol"), to: store)
        #expect(try store.eventCount() == 7)
    }

    @Test("a page leaves out what the puller's vector covers and says where to go on")
    func pageSkipsCovered() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let a = Origin(), b = Origin()
        let fromA = a.events((1...3).map { .send("a\($0)", from: "alice", to: "@bob", "a") })
        let fromB = b.events((1...3).map { .send("b\($0)", from: "bob", to: "@alice", "b") })
        _ = try store.applyBatch([fromA[0], fromB[0], fromA[1], fromB[1], fromA[2], fromB[2]], quarantined: [],
                                 from: "d_peer", checkpoint: 6, localDaemon: "d_local")

        let page = try store.events(afterSeq: 0, limit: 10, maxBytes: 1 << 20, skipping: [a.id: 2])
        #expect(page.events.map(\.event.eventID) == [fromB[0], fromB[1], fromA[2], fromB[2]].map(\.eventID))
        #expect(page.lastSeq == 6 && !page.more)
        let allCovered = try store.events(afterSeq: 0, limit: 10, maxBytes: 1 << 20, skipping: [a.id: 3, b.id: 3])
        #expect(allCovered.events.isEmpty && allCovered.lastSeq == 6)
        let bounded = try store.events(afterSeq: 0, limit: 1, maxBytes: 1 << 20, skipping: [a.id: 3], scanLimit: 2)
        #expect(bounded.events.map(\.event.eventID) == [fromB[0].eventID] && bounded.lastSeq == 2 && bounded.more)
    }
}
