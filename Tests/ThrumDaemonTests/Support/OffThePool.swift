import Dispatch

/// Runs a blocking test body (fsyncs, waiting on processes) on a Dispatch thread, so it does not
/// hold one of the few cooperative-pool threads that the in-process async tests need.
func offThePool(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
