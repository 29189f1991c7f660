import Synchronization

/// Reads by this daemon's agents that no receipt reports yet, gathered between the read calls
/// that make them and the `ReceiptWriter` that reports them, so that reads within one window
/// go out as one receipt per agent. In memory only: the read marks in the store are what lasts,
/// and the writer reports any a crash left behind when it starts again.
final class PendingReads: Sendable {
    private let reads = Mutex<[String: Set<String>]>([:])
    private let continuation: AsyncStream<Void>.Continuation
    /// Yields once for any number of `add` calls since the writer last looked.
    let arrivals: AsyncStream<Void>

    init() {
        (arrivals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// `agent` read `ids` (its read marks are committed already).
    func add(_ ids: some Sequence<String>, by agent: String) {
        let added = reads.withLock { pending in
            let before = pending[agent]?.count ?? 0
            pending[agent, default: []].formUnion(ids)
            return pending[agent]!.count > before
        }
        if added { continuation.yield() }
    }

    /// Everything gathered so far, by agent, each agent's IDs sorted; empties the buffer.
    func take() -> [(agent: String, ids: [String])] {
        reads.withLock { pending in
            defer { pending.removeAll() }
            return pending.sorted { $0.key < $1.key }.map { (agent: $0.key, ids: $0.value.sorted()) }
        }
    }
}
