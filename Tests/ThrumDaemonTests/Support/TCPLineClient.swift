import ThrumTestSupport
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP client that can pick its source address (127.0.0.2, … are all
/// loopback on Linux), so one test can be several tailnet peers at once for
/// the stand-in tailscaled's WhoIs.
final class TCPLineClient {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(to host: String, port: Int, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("cannot create a socket") }
        if let source {
            var local = Self.address(source, port: 0)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw TestFailure("cannot bind \(source)") }
        }
        var remote = Self.address(host, port: port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw TestFailure("cannot connect to \(host):\(port)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    private static func address(_ host: String, port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr(host)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return addr
    }

    /// Sends everything; false if the peer closed first.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// One line without its newline; nil when the connection closed or timed out.
    func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: 0x0a) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffered.append(contentsOf: chunk[..<n])
        }
    }

    /// A JSON-RPC request line for `method` with no params.
    static func request(_ method: String, id: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)"}"# + "\n"
    }

    /// The answer's error code, or nil for a result.
    struct Answer: Decodable {
        struct Failure: Decodable {
            var code: Int
            var message: String
            var data: RetryHint?
        }
        struct RetryHint: Decodable {
            var retryAfterMs: Int?
            enum CodingKeys: String, CodingKey { case retryAfterMs = "retry_after_ms" }
        }
        var error: Failure?
        var result: PeerInfoSubset?
    }

    struct PeerInfoSubset: Decodable {
        var daemonID: String?
        enum CodingKeys: String, CodingKey { case daemonID = "daemon_id" }
    }

    static func decode(_ line: String) throws -> Answer {
        try JSONDecoder().decode(Answer.self, from: Data(line.utf8))
    }
}
