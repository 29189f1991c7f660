import Logging
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The only writer of standard output (fd 1). Requests are answered by
/// concurrent tasks; their lines queue here and go out one at a time, each as
/// whole writes, so two messages never interleave. The blocking write(2) runs
/// on a thread of `pool`, so a client slow to read stalls no task.
final class StdoutWriter: Sendable {
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let drained: Task<Void, Never>

    init(pool: NIOThreadPool, logger: Logger, fd: Int32 = 1) {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
        self.continuation = continuation
        drained = Task {
            var broken = false
            for await line in stream where !broken {
                let failure: String?
                do {
                    failure = try await pool.runIfActive { Self.writeAll(fd, line) }
                } catch {
                    failure = "the writer thread pool has stopped"
                }
                if let failure {
                    logger.error("mcp: cannot write to standard output (\(failure)); the client has gone, answers are dropped")
                    broken = true
                }
            }
        }
    }

    /// Queues one message line (ending in "\n").
    func send(_ line: [UInt8]) {
        continuation.yield(line)
    }

    /// Waits until every queued line is written (or writing has failed).
    func finish() async {
        continuation.finish()
        await drained.value
    }

    /// Writes every byte, retrying short writes and EINTR; the error text, or nil.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return String(cString: strerror(errno)) }
            offset += n
        }
        return nil
    }
}
