import Dispatch
import NIOPosix
import Synchronization
import ThrumCore

/// Where the daemon's store runs (DESIGN §5): the writer connection on a thread of its own
/// and a reader connection on another, so no SQLite call, fsync or file read runs on the
/// cooperative pool or an event loop; async code awaits them. The reader sees the last
/// commit (WAL), so reads never wait for a pulled page to be applied. Local writes that
/// arrive while the writer is busy are committed together, one fsync for all of them
/// (group commit), and each caller is answered only after the commit that holds its event.
/// When commits are slow next to the callers' way back, a commit waits for the callers the
/// last one answered (`CommitHold`).
public final class StoreThreads: Sendable {
    public let writer: EventStore
    public let reader: EventStore
    private let writerThread = NIOThreadPool(numberOfThreads: 1)
    private let readerThread = NIOThreadPool(numberOfThreads: 1)
    private let queued = Mutex(QueuedWrites())
    /// Wakes the writer thread holding a commit back once the writes it waits for are queued.
    private let writesArrived = DispatchSemaphore(value: 0)
    private let onCommit: (@Sendable (_ writes: Int, _ held: Bool) -> Void)?
    private let onPublished: (@Sendable (_ sequence: Int64) -> Void)?

    /// The newest `seq` as of the last commit, read without a trip to the store's threads
    /// (every `sync.peer_info` and `health` asks for it).
    public var latestSeq: Int64 { writer.committed.latestSeq }
    /// The number of events in the log as of the last commit, read the same way.
    public var eventCount: Int { writer.committed.eventCount }
    /// Local writes queued for the writer thread now, not yet in a commit.
    public var waitingWrites: Int { queued.withLock { $0.writes.count } }

    private struct QueuedWrites {
        var writes: [(write: LocalWrite, caller: CheckedContinuation<StoredEvent, any Error>)] = []
        /// A drain is submitted to the writer thread and has not yet found the queue empty.
        var draining = false
        var hold = CommitHold()
        /// While the writer thread holds a commit back: the queue length that ends the wait.
        /// The write that reaches it clears it and signals `writesArrived`.
        var holdEndsWhenQueued: Int?
    }

    /// Starts the threads for `store` and opens its reader connection. `onCommit` is told, on
    /// the writer thread, how many local writes each commit of them held, and whether it was
    /// held back for callers coming back (`CommitHold`). `onPublished` is told, on the writer
    /// thread before the callers are answered, the highest sequence each commit wrote.
    public init(store: EventStore, onCommit: (@Sendable (_ writes: Int, _ held: Bool) -> Void)? = nil,
                onPublished: (@Sendable (_ sequence: Int64) -> Void)? = nil) throws(StoreError) {
        writer = store
        reader = try EventStore(readerOf: store)
        self.onCommit = onCommit
        self.onPublished = onPublished
        writerThread.start()
        readerThread.start()
    }

    /// Runs `body` with the writer connection on the writer thread.
    public func write<T: Sendable>(_ body: @escaping @Sendable (EventStore) throws -> T) async throws -> T {
        let writer = self.writer
        return try await writerThread.runIfActive { try body(writer) }
    }

    /// Runs `body` with the reader connection on the reader thread. `body` must only read.
    public func read<T: Sendable>(_ body: @escaping @Sendable (EventStore) throws -> T) async throws -> T {
        let reader = self.reader
        return try await readerThread.runIfActive { try body(reader) }
    }

    /// Runs other blocking file work of the daemon (peers.json) on the writer thread, in
    /// order with the store's writes, so it does not run on the cooperative pool either.
    public func blockingIO<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await writerThread.runIfActive(body)
    }

    /// Appends one local write, committed with whatever other local writes are waiting.
    public func append(_ write: LocalWrite) async throws -> StoredEvent {
        try await withCheckedThrowingContinuation { caller in
            let (startDrain, wakeWriter) = queued.withLock { queue in
                queue.writes.append((write, caller))
                queue.hold.queued(at: Self.now())
                var wake = false
                if let end = queue.holdEndsWhenQueued, queue.writes.count >= end {
                    queue.holdEndsWhenQueued = nil
                    wake = true
                }
                defer { queue.draining = true }
                return (!queue.draining, wake)
            }
            if wakeWriter { writesArrived.signal() }
            if startDrain { writerThread.submit { state in self.drain(state) } }
        }
    }

    /// On the writer thread: commits the queued writes batch after batch until none are left.
    private func drain(_ state: NIOThreadPool.WorkItemState) {
        while true {
            let held = holdForReturningWriters()
            let batch = queued.withLock { queue in
                defer { queue.writes.removeAll() }
                if queue.writes.isEmpty { queue.draining = false }
                return queue.writes
            }
            if batch.isEmpty { return }
            guard case .active = state else {
                for entry in batch { entry.caller.resume(throwing: StoreError.stopped) }
                continue
            }
            // Preconditions read on this thread, in line with the writes: no trip to the reader
            // and back per write, and no other local write can slip in between check and write.
            let admitted = batch.filter { entry in
                do {
                    try entry.write.precondition?(writer)
                    return true
                } catch {
                    entry.caller.resume(throwing: error)
                    return false
                }
            }
            if admitted.isEmpty { continue }
            do {
                let started = Self.now()
                let results = try writer.appendLocal(admitted.map(\.write))
                let finished = Self.now()
                queued.withLock { queue in
                    queue.hold.committed(admitted.count, took: finished - started, answeredAt: finished,
                                         stillQueued: queue.writes.count)
                }
                onCommit?(results.count { if case .success = $0 { true } else { false } }, held)
                if let onPublished, let highest = results.compactMap({ try? $0.get().event.sequence }).max() {
                    onPublished(highest)
                }
                for (entry, result) in zip(admitted, results) { entry.caller.resume(with: result) }
            } catch {
                for entry in admitted { entry.caller.resume(throwing: error) }
            }
        }
    }

    /// On the writer thread, before taking a batch: waits, while `CommitHold` says it pays,
    /// for the writes of the callers the last commit answered. True when it waited.
    /// Once woken or past the deadline, `CommitHold` has nothing more to wait for.
    private func holdForReturningWriters() -> Bool {
        let deadline = queued.withLock { queue -> UInt64? in
            guard let deadline = queue.hold.holdUntil(queued: queue.writes.count, now: Self.now()) else { return nil }
            queue.holdEndsWhenQueued = queue.hold.expected
            return deadline
        }
        guard let deadline else { return false }
        let woken = writesArrived.wait(timeout: DispatchTime(uptimeNanoseconds: deadline)) == .success
        let signalOnItsWay = queued.withLock { queue in
            defer { queue.holdEndsWhenQueued = nil }
            return !woken && queue.holdEndsWhenQueued == nil
        }
        // Timed out as the last write arrived: take its signal, so the next hold starts clean.
        if signalOnItsWay { writesArrived.wait() }
        return true
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Lets the work already queued finish, then stops both threads and closes both connections.
    public func shutdown() async {
        try? await writerThread.shutdownGracefully()
        try? await readerThread.shutdownGracefully()
        reader.close()
        writer.close()
    }
}

extension StoreError {
    /// The store's threads were stopped (the daemon is shutting down).
    static let stopped = StoreError(kind: .closed, message: "the store is shutting down", operation: "queueing a write")
}
