import Synchronization

/// Wakes everyone waiting for "something changed" (a new message arrived,
/// locally or by sync). Waiters re-check their own condition after waking, so
/// one signal for all is enough and no wake-up is ever lost: a waiter takes a
/// `generation` before checking, and waiting returns at once if it moved.
final class ChangeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiterID: UInt64 = 0
        /// Waiters that timed out or were cancelled before they parked.
        var abandoned: Set<UInt64> = []
    }

    private let state = Mutex(State())

    var generation: UInt64 { state.withLock { $0.generation } }

    func signal() {
        let woken = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            s.generation &+= 1
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// Waits until the generation differs from `seen`. Returns false on
    /// timeout or task cancellation.
    func wait(since seen: UInt64, timeout: Duration) async -> Bool {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiterID &+= 1
            return s.nextWaiterID
        }
        let timer = Task { [weak self] in
            // A cancelled sleep throws, so a finished wait never marks itself abandoned.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.give(up: id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.abandoned.remove(id) != nil { return true }
                    if s.generation != seen { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume(returning: state.withLock { $0.generation != seen }) }
            }
        } onCancel: {
            self.give(up: id)
        }
    }

    private func give(up id: UInt64) {
        let continuation = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if let parked = s.waiters.removeValue(forKey: id) { return parked }
            s.abandoned.insert(id)
            return nil
        }
        continuation?.resume(returning: false)
    }
}

import ThrumCore
import ThrumStore

extension ChangeSignal {
    /// Wakes message waiters when a commit (local or synced) added a message.
    func signalIfMessages(_ events: [StoredEvent]) {
        let isMessage: (StoredEvent) -> Bool = {
            $0.event.type == EventType.messageCreate.rawValue || $0.event.type == EventType.threadReply.rawValue
        }
        if events.contains(where: isMessage) { signal() }
    }
}
