import FoundationEssentials

/// One request line as received. The params are decoded lazily, straight from
/// the line's bytes into the method's own type, so a huge request is parsed once.
public struct RPCRequest: Sendable {
    public let method: String
    /// nil for a notification (no response is sent).
    public let id: JSONValue?
    let line: [UInt8]

    private struct Head: Decodable {
        var jsonrpc: String?
        var id: JSONValue?
        var method: String?
    }

    private struct ParamsOnly<P: Decodable>: Decodable { var params: P }
    private struct ParamsPresence: Decodable { var params: JSONValue? }

    /// A line that is not a usable request, with its id when one could be read.
    public struct Rejection: Error, Sendable {
        public let error: RPCError
        public let id: JSONValue?
    }

    /// Parses the envelope; the rejection carries the id when one could be read.
    public static func parse(line: [UInt8]) -> Result<RPCRequest, Rejection> {
        let head: Head
        do {
            head = try JSONDecoder().decode(Head.self, from: Data(line))
        } catch {
            if (try? JSONDecoder().decode(JSONValue.self, from: Data(line))) != nil {
                return .failure(Rejection(error: .invalidRequest("expected a JSON-RPC 2.0 request object"), id: nil))
            }
            return .failure(Rejection(error: .parseError("the line is not valid JSON"), id: nil))
        }
        guard head.jsonrpc == "2.0" else {
            return .failure(Rejection(error: .invalidRequest("\"jsonrpc\" must be \"2.0\""), id: head.id))
        }
        guard let method = head.method, !method.isEmpty else {
            return .failure(Rejection(error: .invalidRequest("\"method\" is missing"), id: head.id))
        }
        return .success(RPCRequest(method: method, id: head.id, line: line))
    }

    public init(method: String, id: JSONValue?, line: [UInt8]) {
        self.method = method
        self.id = id
        self.line = line
    }

    /// The params decoded as `P`. Missing params decode as `{}`, so methods whose
    /// params are all optional accept a bare request.
    public func params<P: Decodable>(_ type: P.Type = P.self) throws(RPCError) -> P {
        do {
            let presence = try JSONDecoder().decode(ParamsPresence.self, from: Data(line))
            if presence.params == nil || presence.params == .null {
                return try JSONDecoder().decode(P.self, from: Data("{}".utf8))
            }
            return try JSONDecoder().decode(ParamsOnly<P>.self, from: Data(line)).params
        } catch let error as DecodingError {
            throw .invalidParams(Self.describe(error))
        } catch {
            throw .invalidParams("\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ ctx: DecodingError.Context) -> String {
            let p = ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .filter { $0 != "params" }.joined(separator: ".")
            return p.isEmpty ? "params" : p
        }
        switch error {
        case let .keyNotFound(key, _): return "missing \"\(key.stringValue)\""
        case let .typeMismatch(type, ctx): return "\(path(ctx)) must be \(typeName(type))"
        case let .valueNotFound(type, ctx): return "\(path(ctx)) must be \(typeName(type)), not null"
        case let .dataCorrupted(ctx): return "\(path(ctx)): \(ctx.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "\(type)"
        }
    }
}

/// Encodes the lines that go on the wire.
public enum RPCWire {
    private struct Success<R: Encodable>: Encodable {
        let jsonrpc = "2.0"
        let id: JSONValue
        let result: R
    }

    private struct Failure: Encodable {
        let jsonrpc = "2.0"
        let id: JSONValue
        let error: RPCError
    }

    private struct Request<P: Encodable>: Encodable {
        let jsonrpc = "2.0"
        let id: JSONValue?
        let method: String
        let params: P
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    public static func result(id: JSONValue, _ value: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(Success(id: id, result: value))) + [0x0a]
    }

    public static func error(id: JSONValue?, _ error: RPCError) -> [UInt8] {
        // A plain struct of strings and numbers always encodes.
        let body = (try? encoder.encode(Failure(id: id ?? .null, error: error))) ?? Data(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}}"#.utf8)
        return Array(body) + [0x0a]
    }

    public static func request(id: JSONValue?, method: String, params: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(Request(id: id, method: method, params: params))) + [0x0a]
    }
}

/// Params for methods that take none.
public struct NoParams: Codable, Sendable {
    public init() {}
}
