import Synchronization

/// Request bytes received but not yet answered, across every connection that
/// shares it. While it is used up, connections holding more than their
/// allowance stop reading (TCP backpressure) until bytes are given back.
public final class RequestByteBudget: Sendable {
    public static let defaultLimit = 16 << 20

    public let limit: Int

    private struct State {
        var used = 0
        var waiting: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init(limit: Int) { self.limit = limit }

    /// Bytes held now.
    public var used: Int { state.withLock { $0.used } }

    func take(_ count: Int) {
        state.withLock { $0.used += count }
    }

    func give(_ count: Int) {
        guard count > 0 else { return }
        let wake = state.withLock { s -> [@Sendable () -> Void] in
            s.used -= count
            guard s.used < limit else { return [] }
            defer { s.waiting.removeAll() }
            return s.waiting
        }
        for resume in wake { resume() }
    }

    /// True when there is room now; otherwise `resume` runs once there is.
    func hasRoom(orWhenFree resume: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { s in
            if s.used < limit { return true }
            s.waiting.append(resume)
            return false
        }
    }
}

/// One connection's share of a `RequestByteBudget`: what it received and has
/// not yet answered. Everything it still holds is given back when it closes.
final class ConnectionBytes: Sendable {
    let budget: RequestByteBudget
    private let state = Mutex((held: 0, closed: false))

    init(budget: RequestByteBudget) { self.budget = budget }

    var held: Int { state.withLock { $0.held } }

    func received(_ count: Int) {
        let counted = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            s.held += count
            return true
        }
        if counted { budget.take(count) }
    }

    /// A line of `count` bytes (with its newline) was answered.
    func answered(_ count: Int) {
        let given = state.withLock { s -> Int in
            let given = min(count, s.held)
            s.held -= given
            return given
        }
        budget.give(given)
    }

    func closed() {
        let given = state.withLock { s -> Int in
            defer { s.held = 0; s.closed = true }
            return s.held
        }
        budget.give(given)
    }
}
