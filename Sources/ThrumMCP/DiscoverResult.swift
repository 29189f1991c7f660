/// The result of server/discover (2026-07-28): what initialize says, without a
/// session. Nothing in it changes while this server runs, so a client may keep it a while.
struct DiscoverResult: Encodable, Sendable {
    var supportedVersions = MCPProtocol.allVersions
    var capabilities = InitializeResult.Capabilities()
    var instructions: String
    var ttlMs = Self.cacheMilliseconds
    /// The instructions name the agent this server acts as.
    var cacheScope = "private"

    /// The tools change only with a new thrum binary, which is a new server process.
    static let cacheMilliseconds = 3_600_000
}

/// tools/list at an envelope revision, which also says how long the list may be cached.
struct CachedToolList: Encodable, Sendable {
    var tools: [ToolDefinition]
    var ttlMs = DiscoverResult.cacheMilliseconds
    var cacheScope = "private"

    init(protocolVersion: String) {
        tools = ToolList(protocolVersion: protocolVersion).tools
    }
}
