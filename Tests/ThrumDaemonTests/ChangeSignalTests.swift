import Testing
@testable import ThrumDaemon

/// `thrum wait` and MCP waiters park on the ChangeSignal: a signal wakes them, a timeout or a
/// cancellation ends them, and nothing of a finished wait is kept (a long-running daemon
/// serves millions of waits).
@Suite struct ChangeSignalTests {
    @Test func timeoutsCancellationsAndWakeUpsLeaveNothingBehind() async {
        let signal = ChangeSignal()
        // Timeouts, some signals in between: every wait returns and leaves no entry.
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask { await signal.wait(since: signal.generation, timeout: .milliseconds(index % 7)) }
                if index % 50 == 0 { signal.signal() }
            }
            for await _ in group {}
        }
        #expect(signal.waiting == 0)

        // Cancelled waits, before and after they park.
        let cancelled = (0..<100).map { _ in Task { await signal.wait(since: signal.generation, timeout: .seconds(60)) } }
        for (index, task) in cancelled.enumerated() where index % 2 == 0 { task.cancel() }
        signal.signal()
        for task in cancelled { task.cancel() }
        for task in cancelled { _ = await task.value }
        #expect(signal.waiting == 0)
    }

    @Test func aSignalWakesAParkedWaiterAndAnOldGenerationReturnsAtOnce() async {
        let signal = ChangeSignal()
        let seen = signal.generation
        signal.signal()
        #expect(await signal.wait(since: seen, timeout: .seconds(60)))
        let before = signal.generation
        let waiter = Task { await signal.wait(since: before, timeout: .seconds(60)) }
        while signal.waiting == 0 { await Task.yield() }
        signal.signal()
        #expect(await waiter.value)
        #expect(!(await signal.wait(since: signal.generation, timeout: .milliseconds(1))))
        #expect(signal.waiting == 0)
    }
}
