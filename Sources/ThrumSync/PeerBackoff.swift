import Synchronization

/// Exponential backoff per unreachable peer (DESIGN §6, Peers come and go):
/// after a failed pull or notify the peer is not tried again for 1 s, doubling
/// with each further failure up to 5 minutes; a success, or a `sync.notify`
/// from that peer, forgets it. Kept in memory only: a restarted daemon tries
/// every peer once more.
final class PeerBackoff: Sendable {
    struct Entry: Sendable, Equatable {
        var failures: Int
        var retryAt: ContinuousClock.Instant
        /// The last failure was the address answering as another daemon, or failing the
        /// key proof: discovery may ask it who it is now (a re-imaged machine).
        var identityChanged: Bool
    }

    /// What a report changed, so the caller logs only transitions.
    enum Change: Equatable {
        case none
        /// The first failure after a success (or since start).
        case becameUnreachable
        /// The first success after failures; carries how many there were.
        case cameBack(failures: Int)
    }

    let initial: Duration
    let maximum: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])

    init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300),
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.initial = initial
        self.maximum = maximum
        self.now = now
    }

    /// Records a failed attempt; the wait before the next one doubles.
    func failed(_ daemonID: String, identityChanged: Bool = false) -> Change {
        let now = now()
        return entries.withLock { entries in
            let failures = (entries[daemonID]?.failures ?? 0) + 1
            entries[daemonID] = Entry(failures: failures, retryAt: now + delay(afterFailures: failures),
                                      identityChanged: identityChanged)
            return failures == 1 ? .becameUnreachable : .none
        }
    }

    /// Records a successful exchange (or a notify from the peer): no more waiting.
    func succeeded(_ daemonID: String) -> Change {
        entries.withLock { $0.removeValue(forKey: daemonID) }.map { .cameBack(failures: $0.failures) } ?? .none
    }

    /// Forgets a peer that left the registry.
    func forget(_ daemonID: String) {
        _ = entries.withLock { $0.removeValue(forKey: daemonID) }
    }

    /// True while the peer's next attempt is not due yet.
    func isWaiting(_ daemonID: String) -> Bool {
        let now = now()
        return entries.withLock { $0[daemonID].map { now < $0.retryAt } ?? false }
    }

    /// The peer's failures and the time left before its next attempt (zero when due); nil when it is fine.
    func state(of daemonID: String) -> (entry: Entry, remaining: Duration)? {
        let now = now()
        return entries.withLock { $0[daemonID] }.map { ($0, max($0.retryAt - now, .zero)) }
    }

    /// 1 s, 2 s, 4 s … capped at `maximum`.
    func delay(afterFailures failures: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(failures, 1) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
