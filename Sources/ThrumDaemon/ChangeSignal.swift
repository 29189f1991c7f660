import Synchronization

/// Wakes everyone waiting for "something changed" (a new message arrived,
/// locally or by sync). Waiters re-check their own condition after waking, so
/// one signal for all is enough and no wake-up is ever lost: a waiter takes a
/// `generation` before checking, and waiting returns at once if it moved.
final class ChangeSignal: Sendable {
    /// Where one call to `wait` is. Every call has an entry from its start to its end, so
    /// a timeout or cancellation that comes before it parks, or after it was woken, can
    /// tell which, and nothing is left behind once the call returns.
    private enum Waiter {
        case starting
        case parked(CheckedContinuation<Bool, Never>)
        /// Gave up (timed out or cancelled) before it parked.
        case abandoned
    }

    private struct State {
        var generation: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiterID: UInt64 = 0
    }

    private let state = Mutex(State())

    var generation: UInt64 { state.withLock { $0.generation } }

    /// How many calls to `wait` are in progress (for tests: none is left behind).
    var waiting: Int { state.withLock { $0.waiters.count } }

    func signal() {
        let woken = state.withLock { s -> [CheckedContinuation<Bool, Never>] in
            s.generation &+= 1
            var parked: [CheckedContinuation<Bool, Never>] = []
            for (id, waiter) in s.waiters {
                guard case let .parked(continuation) = waiter else { continue }
                parked.append(continuation)
                s.waiters[id] = .starting
            }
            return parked
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// Waits until the generation differs from `seen`. Returns false on
    /// timeout or task cancellation.
    func wait(since seen: UInt64, timeout: Duration) async -> Bool {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiterID &+= 1
            s.waiters[s.nextWaiterID] = .starting
            return s.nextWaiterID
        }
        defer { _ = state.withLock { $0.waiters.removeValue(forKey: id) } }
        let timer = Task { [weak self] in
            // A cancelled sleep throws, so a finished wait never gives up afterwards.
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.give(up: id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let ready = state.withLock { s -> Bool in
                    if case .abandoned? = s.waiters[id] { return true }
                    if s.generation != seen { return true }
                    s.waiters[id] = .parked(continuation)
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
            switch s.waiters[id] {
            case let .parked(continuation)?:
                s.waiters[id] = .abandoned
                return continuation
            case .starting?:
                s.waiters[id] = .abandoned
                return nil
            case .abandoned?, nil:
                // Already given up, or the call has returned: nothing to do, nothing to keep.
                return nil
            }
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
