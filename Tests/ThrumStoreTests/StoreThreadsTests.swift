import Dispatch
#if canImport(Glibc)
import Glibc
#endif
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
        _ = try await threads.append(LocalWrite(originDaemon: origin.id) { link in
            origin.event(.agentRegister, AgentRegistered(agent: "alice", role: nil, host: "h"), link: link)
        })
        let outcomes = await withTaskGroup(of: (Int, Result<StoredEvent, any Error>).self) { group in
            for index in 0..<64 {
                group.addTask {
                    let write = LocalWrite(originDaemon: origin.id) { link in
                        if index == 13 { throw Refused(index: index) }
                        return origin.event(.messageCreate, MessageCreated(messageID: "m\(index)", from: "alice", to: "@bob",
                                                                           text: "\(index)", threadID: nil, replyTo: nil),
                                            link: link)
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
        #expect(try await threads.read { try $0.message(id: origin.msg("m63"))?.text } == "63")
        #expect(try await threads.read { try $0.message(id: origin.msg("m13")) } == nil)
        await threads.shutdown()
    }

    @Test("a batch of local writes is numbered without a gap, counted and projected; a failure in it undoes only itself")
    func aBatchWithAFailureKeepsTheOthers() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("thrum.db"))
        let origin = Origin()
        func message(_ index: Int, failing: Bool = false) -> LocalWrite {
            LocalWrite(originDaemon: origin.id) { link in
                if failing { throw Refused(index: index) }
                return origin.event(.messageCreate, MessageCreated(messageID: "m\(index)", from: "alice", to: "@bob",
                                                                   text: "\(index)", threadID: nil, replyTo: nil),
                                    link: link)
            }
        }
        let register = LocalWrite(originDaemon: origin.id) { link in
            origin.event(.agentRegister, AgentRegistered(agent: "alice", role: nil, host: "h"), link: link)
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
        #expect(try store.message(id: origin.msg("m0"))?.text == "0")
        #expect(try store.message(id: origin.msg("m4"))?.text == "4")
        #expect(try store.message(id: origin.msg("m3")) == nil)
    }

    @Test("writes that queue while the writer is busy are committed together, and each caller then has its event")
    func writesQueuedBehindABusyWriterShareOneCommit() async throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let commits = Mutex<[Int]>([])
        let threads = try StoreThreads(store: try EventStore(path: directory.file("thrum.db"))) { writes, _ in
            commits.withLock { $0.append(writes) }
        }
        let origin = Origin()
        func write(_ index: Int) -> LocalWrite {
            LocalWrite(originDaemon: origin.id) { link in
                origin.event(.messageCreate, MessageCreated(messageID: "m\(index)", from: "alice", to: "@bob",
                                                           text: "\(index)", threadID: nil, replyTo: nil),
                             link: link)
            }
        }
        _ = try await threads.append(write(0))
        // Hold the writer thread, queue five writes behind it, then let it go.
        let writerThread = try await WriterThreadHeld(threads)
        let callers = (1...5).map { index in Task { try await threads.append(write(index)) } }
        try await eventually("five writes waiting for the writer") { threads.waitingWrites == 5 }
        try await writerThread.release()
        var sequences: [Int64] = []
        for caller in callers { sequences.append(try await caller.value.event.sequence) }
        #expect(sequences.sorted() == [2, 3, 4, 5, 6])
        #expect(commits.withLock { $0 } == [1, 5])
        #expect(threads.waitingWrites == 0)
        #expect(try await threads.read { try $0.eventCount() } == 6)
        await threads.shutdown()
    }

    @Test("when commits are slow next to the callers' way back, a commit holds every caller, not half of them")
    func slowCommitsHoldEveryCaller() async throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        // The first event a commit builds takes 200 ms (the first commit's, until the test lets it
        // go): the stand-in for a disk whose flush takes milliseconds. The callers come back at once.
        let firstOfCommit = CommitStart()
        let commits = Mutex<[Int]>([])
        let threads = try StoreThreads(store: try EventStore(path: directory.file("thrum.db"))) { writes, _ in
            commits.withLock { $0.append(writes) }
            firstOfCommit.flag.store(true, ordering: .relaxed)
        }
        let origin = Origin()
        let writesEach = 6
        @Sendable func caller(_ name: Int) async throws {
            for index in 0..<writesEach {
                _ = try await threads.append(LocalWrite(originDaemon: origin.id) { link in
                    if firstOfCommit.flag.exchange(false, ordering: .relaxed) { firstOfCommit.slowDisk() }
                    return origin.event(.messageCreate, MessageCreated(messageID: "m\(name)-\(index)", from: "alice",
                                                                       to: "@bob", text: "x", threadID: nil, replyTo: nil),
                                        link: link)
                })
            }
        }
        // Two callers in the first commit, two more queued while it is on the "disk": from
        // then on, without holding, the two pairs take turns, 2 writes a commit.
        let writerThread = try await WriterThreadHeld(threads)
        // The callers run off the cooperative pool, which other tests may keep busy with blocking
        // waits: their way back must be the store's to measure, not the test run's.
        let callers = CallerExecutor()
        let first = [Task(executorPreference: callers) { try await caller(0) },
                     Task(executorPreference: callers) { try await caller(1) }]
        try await eventually("the first two writes waiting") { threads.waitingWrites == 2 }
        try await writerThread.release()
        try await eventually("the first commit under way") { !firstOfCommit.flag.load(ordering: .relaxed) }
        let second = [Task(executorPreference: callers) { try await caller(2) },
                      Task(executorPreference: callers) { try await caller(3) }]
        try await eventually("the second pair waiting") { threads.waitingWrites == 2 }
        firstOfCommit.firstCommitGoes.signal()
        for task in first + second { try await task.value }

        let seen = commits.withLock { $0 }
        #expect(seen.reduce(0, +) == 4 * writesEach)
        #expect(seen.first == 2)
        // Once a commit has measured the callers' way back (the second), the next waits for the
        // ones it answered; from then on each holds all four (a caller late on a busy machine
        // may miss one).
        let settled = seen.dropFirst(2)
        let mean = Double(settled.reduce(0, +)) / Double(max(settled.count, 1))
        #expect(mean > 3.5, "writes per commit: \(seen)")
        #expect(try await threads.read { try $0.eventCount() } == 4 * writesEach)
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
            try await threads.append(LocalWrite(originDaemon: origin.id) { link in
                origin.event(.agentRegister, AgentRegistered(agent: "alice", role: nil, host: "h"), link: link)
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

/// The store's writer thread kept busy until `release()`, so writes queue behind it.
struct WriterThreadHeld {
    private let gate = DispatchSemaphore(value: 0)
    private let holding: Task<Void, any Error>

    init(_ threads: StoreThreads) async throws {
        let (gate, held) = (self.gate, Flag())
        holding = Task {
            try await threads.write { _ in
                held.raise()
                gate.wait()
            }
        }
        try await eventually("the writer thread held") { held.isRaised }
    }

    func release() async throws {
        gate.signal()
        try await holding.value
    }
}

/// Runs the jobs of the tasks that prefer it on a Dispatch queue of its own.
final class CallerExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "store-threads-test-callers")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Set after each commit; the first event built after it takes it down.
final class CommitStart: Sendable {
    let flag = Atomic(true)
    let firstCommitGoes = DispatchSemaphore(value: 0)
    private let started = Atomic(0)

    /// The first commit waits for `firstCommitGoes`; each later one takes 200 ms. The hold waits
    /// up to a quarter of a commit, 50 ms: a caller slowed by a busy machine (the whole suite
    /// under ASan) still makes it. With 80 ms, one CI run under ASan saw 3.2 writes a commit.
    func slowDisk() {
        if started.wrappingAdd(1, ordering: .relaxed).newValue == 1 {
            firstCommitGoes.wait()
        } else {
            usleep(200_000)
        }
    }
}

extension Result {
    /// The error, when it is a `T`.
    func failureAs<T: Error>(_ type: T.Type) -> T? {
        if case let .failure(error) = self { return error as? T }
        return nil
    }
}
