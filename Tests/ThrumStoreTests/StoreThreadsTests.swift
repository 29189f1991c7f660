import Dispatch
import Synchronization
import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
import ThrumStore

/// The store on its own threads (DESIGN §5): concurrent local writes are group-committed, each
/// caller gets its own outcome, and what a write committed is what the reader sees next.
@Suite("Store threads")
struct StoreThreadsTests {
    struct Refused: Error, Equatable { let index: Int }

    @Test("concurrent writers each get their event, numbered without a gap, and one failure stays its own")
    func concurrentWritesAreCommittedTogetherWithOwnOutcomes() async throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let threads = try StoreThreads(store: try EventStore(path: directory.file("thrum.db")))
        let origin = Origin()
        _ = try await threads.append(LocalWrite(originDaemon: origin.id) { sequence in
            origin.event(.agentRegister, AgentRegistered(agent: "alice", role: nil, host: "h"), sequence: sequence)
        })
        let outcomes = await withTaskGroup(of: (Int, Result<StoredEvent, any Error>).self) { group in
            for index in 0..<64 {
                group.addTask {
                    let write = LocalWrite(originDaemon: origin.id) { sequence in
                        if index == 13 { throw Refused(index: index) }
                        return origin.event(.messageCreate, MessageCreated(messageID: "m\(index)", from: "alice", to: "@bob",
                                                                           text: "\(index)", threadID: nil, replyTo: nil),
                                            sequence: sequence)
                    }
                    do {
                        return (index, .success(try await threads.append(write)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var all: [Int: Result<StoredEvent, any Error>] = [:]
            for await (index, outcome) in group { all[index] = outcome }
            return all
        }
        #expect((try? outcomes[13]?.get()) == nil)
        #expect(outcomes[13]?.failureAs(Refused.self) == Refused(index: 13))
        let written = outcomes.filter { $0.key != 13 }.compactMap { try? $0.value.get() }
        #expect(written.count == 63)
        #expect(written.map(\.event.sequence).sorted() == Array(2...64))
        // Each caller was answered after its commit: the reader sees every one.
        #expect(try await threads.read { try $0.eventCount() } == 64)
        // What health and peer_info read without a trip to the store's threads is as of the last commit.
        #expect(threads.eventCount == 64)
        #expect(threads.latestSeq == (try await threads.read { try $0.latestSeq() }))
        #expect(try await threads.write { try $0.removeExpired(before: .max, limit: 10) } == 10)
        #expect(threads.eventCount == 54)
        #expect(try await threads.read { try $0.message(id: "m63")?.text } == "63")
        #expect(try await threads.read { try $0.message(id: "m13") } == nil)
        await threads.shutdown()
    }

    @Test("a batch of local writes is numbered without a gap, counted and projected; a failure in it undoes only itself")
    func aBatchWithAFailureKeepsTheOthers() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        func message(_ index: Int, failing: Bool = false) -> LocalWrite {
            LocalWrite(originDaemon: origin.id) { sequence in
                if failing { throw Refused(index: index) }
                return origin.event(.messageCreate, MessageCreated(messageID: "m\(index)", from: "alice", to: "@bob",
                                                                   text: "\(index)", threadID: nil, replyTo: nil),
                                    sequence: sequence)
            }
        }
        let register = LocalWrite(originDaemon: origin.id) { sequence in
            origin.event(.agentRegister, AgentRegistered(agent: "alice", role: nil, host: "h"), sequence: sequence)
        }
        // All succeed: written as one piece.
        let whole = try store.appendLocal([register, message(0), message(1)])
        #expect(whole.compactMap { try? $0.get().event.sequence } == [1, 2, 3])
        // One fails: written again a write at a time, and only that one is missing.
        let mixed = try store.appendLocal([message(2), message(3, failing: true), message(4)])
        #expect((try? mixed[0].get().event.sequence) == 4)
        #expect(mixed[1].failureAs(Refused.self) == Refused(index: 3))
        #expect((try? mixed[2].get().event.sequence) == 5)
        // A lone write that fails gets its own error, unchanged.
        let alone = try store.appendLocal([message(5, failing: true)])
        #expect(alone[0].failureAs(Refused.self) == Refused(index: 5))

        #expect(try store.eventCount() == 5)
        #expect(try store.versionVector()[origin.id] == 5)
        // The register's ownership is in place before the messages are projected in the same batch.
        #expect(try store.message(id: "m0")?.text == "0")
        #expect(try store.message(id: "m4")?.text == "4")
        #expect(try store.message(id: "m3") == nil)
    }

    @Test("writes that queue while the writer is busy are committed together, and each caller then has its event")
    func writesQueuedBehindABusyWriterShareOneCommit() async throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let commits = Mutex<[Int]>([])
        let threads = try StoreThreads(store: try EventStore(path: directory.file("thrum.db"))) { writes in
            commits.withLock { $0.append(writes) }
        }
        let origin = Origin()
        func write(_ index: Int) -> LocalWrite {
            LocalWrite(originDaemon: origin.id) { sequence in
                origin.event(.messageCreate, MessageCreated(messageID: "m\(index)", from: "alice", to: "@bob",
                                                           text: "\(index)", threadID: nil, replyTo: nil),
                             sequence: sequence)
            }
        }
        _ = try await threads.append(write(0))
        // Hold the writer thread, queue five writes behind it, then let it go.
        let gate = DispatchSemaphore(value: 0)
        let held = Atomic(false)
        let holding = Task {
            try await threads.write { _ in
                held.store(true, ordering: .releasing)
                gate.wait()
            }
        }
        try await eventually("the writer thread held") { held.load(ordering: .acquiring) }
        let callers = (1...5).map { index in Task { try await threads.append(write(index)) } }
        try await eventually("five writes waiting for the writer") { threads.waitingWrites == 5 }
        gate.signal()
        try await holding.value
        var sequences: [Int64] = []
        for caller in callers { sequences.append(try await caller.value.event.sequence) }
        #expect(sequences.sorted() == [2, 3, 4, 5, 6])
        #expect(commits.withLock { $0 } == [1, 5])
        #expect(threads.waitingWrites == 0)
        #expect(try await threads.read { try $0.eventCount() } == 6)
        await threads.shutdown()
    }

    @Test("after shutdown a write is refused with a message, not lost silently")
    func writesAfterShutdownAreRefused() async throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let threads = try StoreThreads(store: try EventStore(path: directory.file("thrum.db")))
        let origin = Origin()
        await threads.shutdown()
        await #expect(throws: (any Error).self) {
            try await threads.append(LocalWrite(originDaemon: origin.id) { sequence in
                origin.event(.agentRegister, AgentRegistered(agent: "alice", role: nil, host: "h"), sequence: sequence)
            })
        }
    }

    @Test("the reader refuses to write")
    func theReaderOnlyReads() async throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let threads = try StoreThreads(store: try EventStore(path: directory.file("thrum.db")))
        await #expect(throws: StoreError.self) {
            try await threads.read { try $0.markRead(agent: "bob", messageID: "m1") }
        }
        await threads.shutdown()
    }
}

extension Result {
    /// The error, when it is a `T`.
    func failureAs<T: Error>(_ type: T.Type) -> T? {
        if case let .failure(error) = self { return error as? T }
        return nil
    }
}
