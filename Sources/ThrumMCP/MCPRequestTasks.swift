import Synchronization
import ThrumRPC

/// The requests being answered, each by its own task, keyed by request ID so
/// `notifications/cancelled` can stop one, and shutdown can wait for them.
final class MCPRequestTasks: Sendable {
    private struct Entry: Sendable {
        let token: UInt64
        let task: Task<Void, Never>
        /// Long waits that only the client is waiting for; cut short when stdin closes.
        let interruptible: Bool
        var cancelledByClient = false
    }

    private struct State {
        var nextToken: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        var tokens: [JSONValue: UInt64] = [:]
    }

    private let state = Mutex(State())
    private let writer: StdoutWriter

    init(writer: StdoutWriter) {
        self.writer = writer
    }

    /// Answers request `id` in a new task: `body` makes the response line,
    /// which is sent unless the client cancelled the request meanwhile (MCP
    /// cancellation: no response then).
    func start(_ id: JSONValue, interruptible: Bool = false, _ body: @escaping @Sendable () async -> [UInt8]) {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            // The task cannot take the lock in `finish` before this insertion is done.
            let task = Task {
                let line = await body()
                if !self.finish(token, id: id) { self.writer.send(line) }
            }
            state.entries[token] = Entry(token: token, task: task, interruptible: interruptible)
            state.tokens[id] = token
        }
    }

    /// Cancels the request with this ID, if it is still running; it will not be answered.
    func cancel(_ id: JSONValue) {
        let task: Task<Void, Never>? = state.withLock { state in
            guard let token = state.tokens[id], state.entries[token] != nil else { return nil }
            state.entries[token]?.cancelledByClient = true
            return state.entries[token]?.task
        }
        task?.cancel()
    }

    /// At end of input: cuts the interruptible requests short and waits until every request is answered.
    func drain() async {
        let entries = state.withLock { Array($0.entries.values) }
        for entry in entries where entry.interruptible { entry.task.cancel() }
        for entry in entries { await entry.task.value }
    }

    /// Forgets a finished request; true when the client had cancelled it.
    private func finish(_ token: UInt64, id: JSONValue) -> Bool {
        state.withLock { state in
            if state.tokens[id] == token { state.tokens[id] = nil }
            return state.entries.removeValue(forKey: token)?.cancelledByClient ?? false
        }
    }
}
