import Synchronization

/// The log's newest `seq` and size as of the last commit that changed them, kept in memory
/// so the questions asked most often (`health`, `sync.peer_info`, a notify) need no query.
public final class CommittedCounts: Sendable {
    private let latest: Atomic<Int64>
    private let count: Atomic<Int>

    init(latestSeq: Int64, eventCount: Int) {
        latest = Atomic(latestSeq)
        count = Atomic(eventCount)
    }

    public var latestSeq: Int64 { latest.load(ordering: .acquiring) }
    public var eventCount: Int { count.load(ordering: .acquiring) }

    /// Called by the store after a commit that added or removed events.
    func note(latestSeq: Int64, eventCount: Int) {
        latest.store(latestSeq, ordering: .releasing)
        count.store(eventCount, ordering: .releasing)
    }
}

extension EventStore {
    /// After a write transaction committed: reads the new figures for `committed` (two index
    /// lookups). Called with the connection held, so commits and notes come in the same order.
    func noteCommit(in connection: Connection) {
        guard let latest = try? connection.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM events"),
              let count = try? connection.scalarInt("SELECT value FROM log_counters WHERE name = 'events'") else { return }
        committed.note(latestSeq: latest, eventCount: Int(count))
    }
}
