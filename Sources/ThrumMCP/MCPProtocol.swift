import ThrumCore
import ThrumRPC

/// The parts of the Model Context Protocol this server speaks: the lifecycle
/// (initialize, initialized, ping, or server/discover), tools, and a listen
/// stream for new messages. Everything else is "method not found".
enum MCPProtocol {
    /// The revisions reached through the initialize handshake, newest first. The client's
    /// version is answered when it is one of these, otherwise the newest (the spec lets the
    /// client disconnect then).
    static let supportedVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// The stateless revisions: no initialize, each request names its revision in its envelope.
    static let envelopeVersions = ["2026-07-28"]

    /// What server/discover advertises and the unsupported-version error lists.
    static var allVersions: [String] { envelopeVersions + supportedVersions }

    static var newestVersion: String { supportedVersions[0] }

    static func negotiate(_ requested: String) -> String {
        supportedVersions.contains(requested) ? requested : newestVersion
    }

    /// `structuredContent` in tool results, and `outputSchema` in tools/list, exist
    /// from 2025-06-18 on. Only negotiated versions (all date-shaped) are compared.
    static func hasStructuredContent(_ version: String) -> Bool {
        version >= "2025-06-18"
    }

    /// A request other than initialize or ping before initialize. -32002 is the
    /// code MCP servers commonly use for this; the spec names none.
    static let notInitializedCode = -32002

    static func notInitialized(_ method: String) -> RPCError {
        RPCError(code: notInitializedCode, message: "server not initialized: send \"initialize\" before \"\(method)\"")
    }

    /// The 2026-07-28 error for an envelope naming a revision this server does not serve;
    /// its data lists the ones it does, so the client can pick one and retry.
    static let unsupportedVersionCode = -32022

    static func unsupportedVersion(_ requested: String) -> RPCError {
        RPCError(code: unsupportedVersionCode,
                 message: "unsupported protocol version \"\(requested.prefix(80))\"; this server speaks \(allVersions.joined(separator: ", "))",
                 data: .object(["supported": .array(allVersions.map { .string($0) }), "requested": .string(requested)]))
    }
}

struct InitializeParams: Decodable, Sendable {
    struct ClientInfo: Decodable, Sendable {
        var name: String
        var version: String?
    }

    var protocolVersion: String
    var clientInfo: ClientInfo?
}

struct InitializeResult: Encodable, Sendable {
    struct Capabilities: Encodable, Sendable {
        struct Tools: Encodable, Sendable { var listChanged = false }
        var tools = Tools()
    }

    struct ServerInfo: Encodable, Sendable {
        var name = "thrum"
        var title = "Thrum"
        var version = ThrumVersion.current
    }

    var protocolVersion: String
    var capabilities = Capabilities()
    var serverInfo = ServerInfo()
    var instructions: String

    static func instructions(agent: String) -> String {
        """
        You are the agent "\(agent)" on Thrum, which carries messages between coding agents, \
        on this machine and on other machines synced over Tailscale. send_message sends to an \
        agent (@name), a group (@group) or @everyone; reply answers a message in its thread; \
        check_inbox reads unread messages; wait_for_message blocks until the next message \
        arrives; list_agents shows who can be messaged; sync_status shows the daemon and its peers.
        """
    }
}

/// `notifications/cancelled`.
struct CancelledParams: Decodable, Sendable {
    var requestId: JSONValue
}

/// The result of ping, and of anything else whose result is empty.
struct EmptyResult: Encodable, Sendable {}
