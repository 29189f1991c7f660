import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Waits (polling) until `condition` holds; fails after a generous deadline so a broken build
/// ends instead of hanging. Not a timing assertion: only the outcome is checked.
public func eventually(_ what: String, within timeout: Duration = .seconds(30),
                       _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for: \(what)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// `eventually` for blocking tests that drive processes (they run off the cooperative pool).
public func eventuallyBlocking(_ what: String, within timeout: Duration = .seconds(30),
                               _ condition: () throws -> Bool) throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? condition()) == true { return }
        usleep(20_000)
    }
    if try condition() { return }
    throw TestFailure("timed out waiting for: \(what)")
}

/// Runs a blocking test body (fsyncs, waiting on processes) on a Dispatch thread, so it does not
/// hold one of the few cooperative-pool threads that the in-process async tests need.
public func offThePool(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
