import Synchronization
import ThrumControlAPI
import ThrumCore
import ThrumStore

/// The control-API subscription (DESIGN §3): every change a client may wait for, numbered by a
/// cursor, kept in a bounded ring. A client asks for the changes after its cursor
/// (`changes.wait`), waiting while there are none; one that fell behind the ring is told to
/// read the state again (`reset`). New messages (`message`) and delivery changes (`delivery`:
/// a receipt, or a peer's frontier showing a message held there) come from every commit, local
/// or synced. `thrum wait --for-ack` consumes it; MCP's pushed messages and the web view are to.
final class ChangeFeed: Sendable {
    private struct State {
        var entries: [ChangeRecord] = []
        /// The cursor of the newest entry; 0 before the first.
        var latest: Int64 = 0
    }

    private let state = Mutex(State())
    private let signal = ChangeSignal()
    /// Signalled whenever a peer's advertised frontier was noted: what `claim.wait_confirmed` waits on.
    let peerFrontiers = ChangeSignal()
    /// Signalled after every commit that holds claim events: what `ClaimWatch` waits on.
    let claimEvents = ChangeSignal()
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Records what committed events change: their messages, and the messages their receipts name.
    func record(_ events: [StoredEvent]) {
        var changes: [(kind: String, messageID: String)] = []
        for stored in events {
            let event = stored.event
            switch event.knownType {
            case .messageCreate?, .threadReply?:
                if let created = PayloadJSON.decode(MessageCreated.self, from: event.data) {
                    changes.append(("message", ScopedID.scoped(created.messageID, origin: event.originDaemon)))
                }
            case .messageReceipt?:
                if let receipt = PayloadJSON.decode(MessageReceipt.self, from: event.data) {
                    changes += receipt.messageIDs.map { ("delivery", $0) }
                }
            case .claimCreate?, .claimRenew?, .claimRelease?:
                claimEvents.signal()
            default:
                continue
            }
        }
        append(changes)
    }

    /// Records messages a peer's frontier shows held there for the first time (none, often: a
    /// peer's frontier was noted all the same).
    func delivered(_ messageIDs: [String]) {
        peerFrontiers.signal()
        append(messageIDs.map { ("delivery", $0) })
    }

    private func append(_ changes: [(kind: String, messageID: String)]) {
        guard !changes.isEmpty else { return }
        state.withLock { state in
            for change in changes {
                state.latest += 1
                state.entries.append(ChangeRecord(cursor: state.latest, kind: change.kind, messageID: change.messageID))
            }
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
        }
        signal.signal()
    }

    /// The changes after `cursor` (of `kinds`, all when nil), waiting up to `timeout` while there
    /// are none. Without a cursor, answers at once with the newest cursor: where to start from.
    func changes(after cursor: Int64?, kinds: Set<String>?, timeout: Duration) async -> ChangeBatch {
        guard var cursor else { return state.withLock { ChangeBatch(cursor: $0.latest, changes: [], reset: false) } }
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = signal.generation
            let (batch, passed) = state.withLock { state -> (ChangeBatch?, Int64) in
                let oldest = state.entries.first?.cursor ?? state.latest + 1
                if cursor < oldest - 1 || cursor > state.latest {
                    return (ChangeBatch(cursor: state.latest, changes: [], reset: true), state.latest)
                }
                let wanted = state.entries.drop { $0.cursor <= cursor }.filter { kinds?.contains($0.kind) ?? true }
                return (wanted.isEmpty ? nil : ChangeBatch(cursor: state.latest, changes: Array(wanted), reset: false), state.latest)
            }
            if let batch { return batch }
            // What came meanwhile was not asked for: wait past it.
            cursor = passed
            let left = deadline - ContinuousClock.now
            guard left > .zero, await signal.wait(since: seen, timeout: left) else {
                return ChangeBatch(cursor: cursor, changes: [], reset: false)
            }
        }
    }
}
