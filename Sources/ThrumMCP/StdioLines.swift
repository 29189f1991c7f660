import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// What the reader hands the server: a complete line, or word that a line was
/// too long and has been skipped up to its newline.
enum InboundLine: Sendable {
    case line([UInt8])
    case tooLong(limit: Int)
}

/// Reads standard input (fd 0) and splits it into lines. The blocking read(2)
/// runs on a thread of `pool`, never on a task's thread, and works whether fd 0
/// is a pipe, a terminal or a regular file (epoll, and so NIO's pipe channel,
/// refuses regular files).
struct StdinLineReader: Sendable {
    let pool: NIOThreadPool
    let maxLineBytes: Int
    let fd: Int32 = 0

    /// Lines until end of input; a read error ends the stream like end of input.
    func lines() -> AsyncStream<InboundLine> {
        let (stream, continuation) = AsyncStream<InboundLine>.makeStream(bufferingPolicy: .unbounded)
        let task = Task {
            var splitter = LineSplitter(maxLineBytes: maxLineBytes)
            let fd = self.fd
            while true {
                let chunk: [UInt8]
                do {
                    chunk = try await pool.runIfActive { Self.readChunk(fd) }
                } catch {
                    break
                }
                if chunk.isEmpty { break }
                for line in splitter.feed(chunk) { continuation.yield(line) }
            }
            if let last = splitter.finish() { continuation.yield(last) }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// One read(2); empty at end of input or on an error other than EINTR.
    static func readChunk(_ fd: Int32) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return [] }
            return Array(buffer.prefix(n))
        }
    }
}

/// Splits bytes on "\n" (a "\r" before it is dropped). A line longer than
/// `maxLineBytes` is not kept in memory: it is reported once and its bytes
/// skipped until the next newline.
struct LineSplitter {
    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var skipping = false

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func feed(_ bytes: [UInt8]) -> [InboundLine] {
        var out: [InboundLine] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            guard let newline = bytes[start...].firstIndex(of: 0x0a) else {
                append(bytes[start...], into: &out)
                break
            }
            append(bytes[start..<newline], into: &out)
            if skipping {
                skipping = false
            } else {
                out.append(.line(Self.trimCarriageReturn(pending)))
            }
            pending.removeAll(keepingCapacity: true)
            start = bytes.index(after: newline)
        }
        return out
    }

    /// What is left at end of input: a last line without its newline.
    mutating func finish() -> InboundLine? {
        defer { pending.removeAll() }
        guard !skipping, !pending.isEmpty else { return nil }
        return .line(Self.trimCarriageReturn(pending))
    }

    private mutating func append(_ part: ArraySlice<UInt8>, into out: inout [InboundLine]) {
        guard !skipping else { return }
        if pending.count + part.count > maxLineBytes {
            skipping = true
            pending.removeAll()
            out.append(.tooLong(limit: maxLineBytes))
        } else {
            pending.append(contentsOf: part)
        }
    }

    private static func trimCarriageReturn(_ line: [UInt8]) -> [UInt8] {
        line.last == 0x0d ? Array(line.dropLast()) : line
    }
}
