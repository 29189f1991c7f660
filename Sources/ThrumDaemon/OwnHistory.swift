import Synchronization
import ThrumRPC

/// Whether this daemon knows how far its own history went before this start (DESIGN §6). A
/// daemon whose log was lost or restored from a backup must not number new events from where
/// its log ends: its peers hold later ones, and a re-used sequence is a fork. So local writes
/// wait until the first sync with the peers has handed back whatever they hold of this daemon's
/// history (`OwnHistoryCatchUp`), and fail with the reason when that cannot happen.
final class OwnHistory: Sendable {
    enum State: Sendable, Equatable {
        /// Writes wait: the first sync with the peers is under way. `behind` says why the log is
        /// known to lack some of the daemon's own history, nil when nothing says it does.
        case learning(behind: String?)
        case known
        /// Writes fail with this message until a peer answers or the operator acts.
        case unknown(String)
    }

    private let current: Mutex<State>
    private let changed = ChangeSignal()

    init(_ state: State) {
        current = Mutex(state)
    }

    var state: State { current.withLock { $0 } }

    func settle(_ state: State) {
        current.withLock { $0 = state }
        changed.signal()
    }

    /// Returns once local writes may go ahead, waiting at most `timeout` while the history is
    /// being learnt; throws what to tell the writer otherwise.
    func writable(waitingAtMost timeout: Duration) async throws(RPCError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = changed.generation
            switch state {
            case .known:
                return
            case let .unknown(reason):
                throw .historyUnknown(reason)
            case let .learning(behind):
                let left = deadline - ContinuousClock.now
                if left <= .zero || Task.isCancelled {
                    throw .historyUnknown("this daemon is still \(Self.describe(learning: behind)), so it cannot number a new event yet; try again in a moment (thrum status shows the progress)")
                }
                _ = await changed.wait(since: seen, timeout: left)
            }
        }
    }

    /// What the daemon is doing while it learns, for messages and `thrum status`.
    static func describe(learning behind: String?) -> String {
        behind.map { "taking its own history back from its peers (\($0))" } ?? "checking with its peers how far its own history goes"
    }
}
