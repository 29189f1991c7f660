/// A JSON-RPC 2.0 error object. Codes follow the spec, plus HTTP-like 429/503
/// for the sync port's rate limiting and overload (DESIGN §6).
public struct RPCError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { message }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// Application errors the caller can fix (unknown agent, text too long, …).
    public static let applicationErrorCode = -32000
    public static let notFoundCode = -32004
    /// The agent named belongs to another daemon: only its own daemon can act as it.
    public static let ownedElsewhereCode = -32009
    /// An address names more than one agent (or an agent and a group); the message lists them.
    public static let ambiguousCode = -32010
    /// The daemon does not know yet how far its own history goes (a lost or restored log), so
    /// it writes nothing for now; the message says why and what to do.
    public static let historyUnknownCode = -32011
    /// Another agent holds what was asked for (a claim would overlap its live claim); the
    /// message names the holder, its host and when its claim expires.
    public static let claimedCode = -32012
    public static let rateLimitedCode = 429
    public static let overloadedCode = 503
    public static let unauthorizedCode = 403

    public static func parseError(_ detail: String) -> RPCError {
        RPCError(code: parseErrorCode, message: "parse error: \(detail)")
    }
    public static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: invalidRequestCode, message: "invalid request: \(detail)")
    }
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: methodNotFoundCode, message: "unknown method \"\(method)\"")
    }
    public static func invalidParams(_ detail: String) -> RPCError {
        RPCError(code: invalidParamsCode, message: "invalid params: \(detail)")
    }
    public static func application(_ message: String) -> RPCError {
        RPCError(code: applicationErrorCode, message: message)
    }
    public static func notFound(_ message: String) -> RPCError {
        RPCError(code: notFoundCode, message: message)
    }
    public static func ownedElsewhere(_ message: String) -> RPCError {
        RPCError(code: ownedElsewhereCode, message: message)
    }
    public static func ambiguous(_ message: String) -> RPCError {
        RPCError(code: ambiguousCode, message: message)
    }
    public static func historyUnknown(_ message: String) -> RPCError {
        RPCError(code: historyUnknownCode, message: message)
    }
    public static func claimed(_ message: String) -> RPCError {
        RPCError(code: claimedCode, message: message)
    }
    public static func internalError(_ detail: String) -> RPCError {
        RPCError(code: internalErrorCode, message: "internal error: \(detail)")
    }
    public static func retryable(code: Int, message: String, retryAfterMilliseconds: Int) -> RPCError {
        RPCError(code: code, message: message, data: .object(["retry_after_ms": .int(Int64(retryAfterMilliseconds))]))
    }

    /// `data.retry_after_ms` of a 429/503, if present.
    public var retryAfterMilliseconds: Int? {
        if case let .int(ms)? = data?["retry_after_ms"] { return Int(ms) }
        return nil
    }
}
