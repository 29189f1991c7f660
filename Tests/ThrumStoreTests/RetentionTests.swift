import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
@testable import ThrumStore

/// THRUM_RETENTION (DESIGN §5): expired events leave the log and the projections in bounded
/// batches; what remains is what a daemon that only ever held the retained window shows.
@Suite("Retention")
struct RetentionTests {
    static func milliseconds(_ timestamp: String) -> Int64 {
        Int64((Timestamp.parse(timestamp)!.timeIntervalSince1970 * 1000).rounded())
    }

    /// True when `event` is outside a window ending at `cutoffMS`, by the documented rule.
    static func expired(_ event: Event, cutoffMS: Int64) -> Bool {
        guard let type = event.knownType, !Retention.keptTypes.contains(type) else { return false }
        return milliseconds(event.timestamp) < cutoffMS
    }

    /// Removes everything expired before `cutoffMS`, `limit` events at a time; returns the batch sizes.
    static func removeAll(from store: EventStore, before cutoffMS: Int64, limit: Int) throws -> [Int] {
        var batches: [Int] = []
        while true {
            let removed = try store.removeExpired(before: cutoffMS, limit: limit)
            batches.append(removed)
            if removed < limit { return batches }
        }
    }

    @Test("a removal pass leaves what a daemon that only held the retained events shows, in any order")
    func removalMatchesNeverHaving() async throws {
        try await offThePool {
            let directory = try TemporaryFolder()
            defer { directory.remove() }
            var removedSomething = 0
            for seed in UInt64(1)...20 {
                var generator = EventSetGenerator(seed: seed)
                let events = generator.events()
                let cutoff = Self.milliseconds(Origin.timestamp(Int64.random(in: 5...35, using: &generator.random)))
                let pruned = try EventStore(path: directory.file("pruned-\(seed).db"))
                let joined = try EventStore(path: directory.file("joined-\(seed).db"))
                defer { pruned.close(); joined.close() }
                for (index, batch) in generator.delivery(of: events).enumerated() {
                    _ = try pruned.applyBatch(batch, quarantined: [], from: "d_peer", checkpoint: Int64(index + 1),
                                              localDaemon: "d_local")
                }
                let retained = events.filter { !Self.expired($0, cutoffMS: cutoff) }
                for (index, batch) in generator.delivery(of: retained).enumerated() {
                    _ = try joined.applyBatch(batch, quarantined: [], from: "d_peer", checkpoint: Int64(index + 1),
                                              localDaemon: "d_local")
                }
                // A fork proven by events that have since expired still holds: its proof is kept, and a
                // daemon that joins later receives it with its first pull (`PullResult.proofs`).
                for fork in try pruned.forks() { _ = try joined.recordFork(fork.proof, from: "d_peer") }
                // The hostile origins' events that the door refuses are in neither log.
                let (held, kept) = (try pruned.eventCount(), try joined.eventCount())
                let batches = try Self.removeAll(from: pruned, before: cutoff, limit: 3)
                removedSomething += batches.reduce(0, +) > 0 ? 1 : 0
                #expect(batches.reduce(0, +) == held - kept, "seed \(seed)")
                #expect(batches.dropLast().allSatisfy { $0 == 3 }, "seed \(seed): batches \(batches)")
                #expect(try pruned.eventCount() == kept, "seed \(seed)")
                let snapshot = try pruned.projectionSnapshot()
                #expect(snapshot == (try joined.projectionSnapshot()), "seed \(seed): pruned and joined daemons differ")
                try pruned.rebuildProjections()
                #expect(try pruned.projectionSnapshot() == snapshot, "seed \(seed): a rebuild differs after removal")
            }
            #expect(removedSomething >= 15, "only \(removedSomething) of 20 seeds removed anything")
        }
    }

    @Test("registrations and memberships outlive the window; messages, their read marks and sessions do not")
    func whatIsKept() async throws {
        try await offThePool {
            let directory = try TemporaryFolder()
            defer { directory.remove() }
            let store = try EventStore(path: directory.file("kept.db"))
            defer { store.close() }
            let a = Origin()
            let changes = [
                Change(.agentRegister, AgentRegistered(agent: "alice", role: "dev", host: "a")),
                Change(.agentRegister, AgentRegistered(agent: "bob", role: "dev", host: "a")),
                Change(.groupCreate, GroupChange(group: "builders", agent: "alice")),
                Change(.groupJoin, GroupChange(group: "builders", agent: "bob")),
                Change(.sessionStart, SessionChange(sessionID: "s1", agent: "alice")),
                Change(.messageCreate, MessageCreated(messageID: "m1", from: "alice", to: "@bob", text: "old", threadID: nil, replyTo: nil)),
                Change(.messageCreate, MessageCreated(messageID: "m2", from: "alice", to: "@bob", text: "new", threadID: nil, replyTo: nil)),
            ]
            let events = a.events(changes)
            _ = try store.applyBatch(events, quarantined: [], from: a.id, checkpoint: 7, localDaemon: "d_local")
            #expect(try store.markRead(agent: a.at("bob"), messageID: a.msg("m1")))
            #expect(try store.markRead(agent: a.at("bob"), messageID: a.msg("m2")))
            // Everything up to the first message (second 6) is past the cutoff; the second message is not.
            let cutoff = Self.milliseconds(Origin.timestamp(7))
            #expect(try store.removeExpired(before: cutoff, limit: 100) == 2)
            #expect(try store.agents().map(\.name) == ["alice", "bob"])
            #expect(try store.groups().first?.members.sorted() == ["alice", "bob"].map(a.at))
            #expect(try store.activeSession(agent: a.at("alice")) == nil)
            #expect(try store.message(id: a.msg("m1")) == nil)
            #expect(try store.message(id: a.msg("m2"))?.text == "new")
            #expect(try store.inbox(agent: a.at("bob"), unreadOnly: false, limit: 10).map(\.messageID) == [a.msg("m2")])
            let readMarks = try store.withConnection { (connection) throws(StoreError) in
                try connection.query("SELECT message_id FROM message_reads ORDER BY message_id") { $0.string(0) }
            }
            #expect(readMarks == [a.msg("m2")])
            #expect(try store.eventCount() == 5)
            #expect(try store.footprint().oldestEvent == events[0].timestamp)
            #expect(try store.removeExpired(before: cutoff, limit: 100) == 0)
        }
    }

    @Test("with a window, expired events are neither applied nor served")
    func expiredEventsAreNotAppliedOrServed() async throws {
        try await offThePool {
            let directory = try TemporaryFolder()
            defer { directory.remove() }
            let day = 86400.0
            let a = Origin()
            func event(_ change: Change, sequence: Int64, daysAgo: Double) -> Event {
                a.identity.makeEvent(type: change.type, data: change.data, sequence: sequence,
                                     timestamp: Timestamp.format(Date().addingTimeInterval(-daysAgo * day)))
            }
            let events = [
                event(Change(.agentRegister, AgentRegistered(agent: "alice", role: "dev", host: "a")), sequence: 1, daysAgo: 40),
                event(Change(.messageCreate, MessageCreated(messageID: "m1", from: "alice", to: "@bob", text: "old", threadID: nil, replyTo: nil)), sequence: 2, daysAgo: 31),
                event(Change(.messageCreate, MessageCreated(messageID: "m2", from: "alice", to: "@bob", text: "new", threadID: nil, replyTo: nil)), sequence: 3, daysAgo: 29),
            ]
            // The source keeps everything; the daemon with a 30-day window takes only what is inside it.
            let source = try EventStore(path: directory.file("source.db"))
            let windowed = try EventStore(path: directory.file("windowed.db"), retention: Retention(seconds: 30 * day))
            defer { source.close(); windowed.close() }
            _ = try source.applyBatch(events, quarantined: [], from: a.id, checkpoint: 3, localDaemon: "d_source")
            let result = try windowed.applyBatch(events, quarantined: [], from: a.id, checkpoint: 3, localDaemon: "d_windowed")
            #expect(result.expired == 1)
            #expect(result.applied.map(\.event.eventID) == [events[0].eventID, events[2].eventID])
            #expect(try windowed.message(id: a.msg("m1")) == nil)

            let windowedSource = try EventStore(path: directory.file("source.db"), retention: Retention(seconds: 30 * day))
            defer { windowedSource.close() }
            let page = try windowedSource.events(afterSeq: 0, limit: 10, maxBytes: 1 << 20)
            #expect(page.events.map(\.event.eventID) == [events[0].eventID, events[2].eventID])
        }
    }

    @Test("a window of 0 keeps everything")
    func zeroKeepsEverything() {
        #expect(Retention(seconds: 0) == nil)
        #expect(Retention(seconds: -5) == nil)
        #expect(Retention(seconds: 86400)?.windowMS == 86_400_000)
    }
}
