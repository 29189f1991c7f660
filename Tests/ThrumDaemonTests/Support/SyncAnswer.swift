import ThrumTestSupport
import FoundationEssentials

/// Requests and answers of the sync port, as the authorization tests read them.
extension LineSocket {
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
