import Synchronization

/// At most one run of an operation per key at a time. A request that arrives
/// while a run is going on does not start another: it is served by exactly one
/// more run after the current one, however many requests arrive meanwhile
/// (the run must start after the request, so it sees what the request was about).
/// Each request names the operation; a flight runs the one its first request named.
final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Waiter = @Sendable (Value) -> Void
    typealias Operation = @Sendable (Key) async -> Value

    private struct Flight {
        /// Served by the run going on now.
        var current: [Waiter]
        /// Non-nil once another run is owed; served by that run.
        var pending: [Waiter]?
        var task: Task<Void, Never>?
    }

    private let flights = Mutex<[Key: Flight]>([:])

    init() {}

    /// Waits for a run that starts no earlier than this call and returns its value.
    func run(_ key: Key, _ operation: @escaping Operation) async -> Value {
        await withCheckedContinuation { continuation in
            request(key, operation) { continuation.resume(returning: $0) }
        }
    }

    /// Asks for a run without waiting. Returns false when the request merely
    /// joined a run that was already owed (then `whenDone` is not kept: whoever
    /// asked first will see the result).
    @discardableResult
    func trigger(_ key: Key, whenDone: Waiter? = nil, _ operation: @escaping Operation) -> Bool {
        request(key, operation, whenDone, joinQuietly: true)
    }

    /// True while a run for `key` is going on.
    func isRunning(_ key: Key) -> Bool {
        flights.withLock { $0[key] != nil }
    }

    /// How many callers wait for the run owed after the current one.
    func pendingCount(_ key: Key) -> Int {
        flights.withLock { $0[key]?.pending?.count ?? 0 }
    }

    /// Cancels the runs going on and waits until every flight has ended.
    func cancelAndDrain() async {
        while true {
            let tasks = flights.withLock { $0.values.compactMap(\.task) }
            if tasks.isEmpty { return }
            for task in tasks {
                task.cancel()
                await task.value
            }
        }
    }

    @discardableResult
    private func request(_ key: Key, _ operation: @escaping Operation, _ waiter: Waiter?, joinQuietly: Bool = false) -> Bool {
        flights.withLock { flights in
            guard var flight = flights[key] else {
                var flight = Flight(current: waiter.map { [$0] } ?? [], pending: nil)
                flight.task = Task { await self.fly(key, operation) }
                flights[key] = flight
                return true
            }
            let owedAlready = flight.pending != nil
            if owedAlready && joinQuietly {
                return false
            }
            flight.pending = (flight.pending ?? []) + (waiter.map { [$0] } ?? [])
            flights[key] = flight
            return !owedAlready
        }
    }

    private func fly(_ key: Key, _ operation: Operation) async {
        while true {
            let value = await operation(key)
            let (served, again) = flights.withLock { flights -> ([Waiter], Bool) in
                guard var flight = flights[key] else { return ([], false) }
                let served = flight.current
                if let pending = flight.pending {
                    flight.current = pending
                    flight.pending = nil
                    flights[key] = flight
                    return (served, true)
                }
                flights[key] = nil
                return (served, false)
            }
            for waiter in served { waiter(value) }
            if !again { return }
        }
    }
}
