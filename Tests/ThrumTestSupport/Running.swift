/// Runs a server's or service's `run()` in a task of its own while a test talks
/// to it; `stop()` cancels that task and waits until `run()` has returned.
public final class Running: Sendable {
    private let task: Task<Void, Never>

    public init(_ run: @escaping @Sendable () async throws -> Void) {
        task = Task { try? await run() }
    }

    public func stop() async {
        task.cancel()
        await task.value
    }
}
