import FoundationEssentials
import ThrumCore

/// One request line as received. The line is checked once (syntax and depth,
/// `JSONSyntax`), its members are located without decoding them, and the
/// params are decoded lazily straight from their own bytes into the method's
/// type: a large request is never decoded as a whole, let alone twice.
public struct RPCRequest: Sendable {
    public let method: String
    /// nil for a notification (no response is sent).
    public let id: JSONValue?
    let line: [UInt8]
    /// Where `params` sits in `line`; nil when absent or null.
    let paramsRange: Range<Int>?

    /// A line that is not a usable request, with its id when one could be read.
    public struct Rejection: Error, Sendable {
        public let error: RPCError
        public let id: JSONValue?
    }

    /// Parses the envelope; the rejection carries the id when one could be read.
    public static func parse(line: [UInt8]) -> Result<RPCRequest, Rejection> {
        func reject(_ error: RPCError, id: JSONValue? = nil) -> Result<RPCRequest, Rejection> {
            .failure(Rejection(error: error, id: id))
        }
        do {
            try JSONSyntax.check(line)
        } catch {
            return reject(.parseError("\(error); send one JSON-RPC 2.0 request object per line"))
        }
        guard let members = try? JSONSpans.members(of: line, in: line.indices) else {
            return reject(.invalidRequest("expected a JSON-RPC 2.0 request object"))
        }
        func member(_ name: String) -> Range<Int>? { members.first(where: { $0.key == name })?.value }
        var id: JSONValue?
        if let span = member("id") {
            // JSON-RPC 2.0: a string, a number, or null; anything else is refused with id null.
            guard let read = try? BoundedJSON.decode(JSONValue.self, from: line[span]), read.isValidRequestID else {
                return reject(.invalidRequest("\"id\" must be a string, a number or null"))
            }
            id = read
        }
        guard let span = member("jsonrpc"), (try? BoundedJSON.decode(String.self, from: line[span])) == "2.0" else {
            return reject(.invalidRequest("\"jsonrpc\" must be \"2.0\""), id: id)
        }
        guard let span = member("method"), let method = try? BoundedJSON.decode(String.self, from: line[span]),
              !method.isEmpty else {
            return reject(.invalidRequest("\"method\" must be a non-empty string"), id: id)
        }
        let params = member("params").flatMap { line[$0].elementsEqual("null".utf8) ? nil : $0 }
        return .success(RPCRequest(method: method, id: id, line: line, paramsRange: params))
    }

    private init(method: String, id: JSONValue?, line: [UInt8], paramsRange: Range<Int>?) {
        self.method = method
        self.id = id
        self.line = line
        self.paramsRange = paramsRange
    }

    /// The params decoded as `P`. Missing params decode as `{}`, so methods whose
    /// params are all optional accept a bare request.
    public func params<P: Decodable>(_ type: P.Type = P.self) throws(RPCError) -> P {
        do {
            guard let paramsRange else { return try BoundedJSON.decode(P.self, from: "{}") }
            return try BoundedJSON.decode(P.self, from: line[paramsRange])
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
