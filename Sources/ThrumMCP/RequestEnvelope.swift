import ThrumRPC

/// The 2026-07-28 per-request envelope: the revision (and the client's name and
/// capabilities, which this server does not need) in `params._meta`. A request
/// that names a revision there is served statelessly at that revision; one that
/// names none belongs to the initialize handshake.
enum RequestEnvelope {
    static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
    static let subscriptionIDKey = "io.modelcontextprotocol/subscriptionId"

    private struct Probe: Decodable {
        var meta: [String: JSONValue]?
        enum CodingKeys: String, CodingKey { case meta = "_meta" }
    }

    /// The revision the request names: nil when it names none, an error when the
    /// name is not a string or not a revision served without a handshake.
    static func version(of request: RPCRequest) -> Result<String, RPCError>? {
        // Params that are not an object carry no envelope; the method itself then reports them.
        guard let meta = (try? request.params(Probe.self))?.meta, let named = meta[protocolVersionKey] else {
            return nil
        }
        guard case let .string(version) = named else {
            return .failure(.invalidParams("_meta.\"\(protocolVersionKey)\" must be a string"))
        }
        guard MCPProtocol.envelopeVersions.contains(version) else {
            return .failure(MCPProtocol.unsupportedVersion(version))
        }
        return .success(version)
    }
}

/// A result at an envelope revision: the result's own members, plus `resultType`
/// (which that revision requires) and the server's name in `_meta`.
struct EnvelopeResult<Result: Encodable & Sendable>: Encodable, Sendable {
    let result: Result

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Meta: Encodable {
        let serverInfo = InitializeResult.ServerInfo()
        enum CodingKeys: String, CodingKey { case serverInfo = "io.modelcontextprotocol/serverInfo" }
    }

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode("complete", forKey: Key(stringValue: "resultType"))
        try c.encode(Meta(), forKey: Key(stringValue: "_meta"))
    }
}
