import Logging
import Testing
import ThrumCore
import ThrumRPC
import ThrumTestSupport
@testable import ThrumMCP
#if canImport(Glibc)
import Glibc
#endif

/// A control socket that answers each method with a fixed result, so a tool
/// runs its own code against daemon results of a known shape.
struct CannedDaemon: RPCService {
    /// Method name to its result's JSON.
    let results: [String: String]

    func handle(_ request: RPCRequest, from peer: RPCPeer) async -> RPCReply {
        guard let text = results[request.method], let result = try? BoundedJSON.decode(JSONValue.self, from: text) else {
            return .error(.methodNotFound(request.method))
        }
        return .result(result)
    }

    /// Calls `tool` with `arguments` (a JSON object) as the agent alice, with this
    /// daemon behind it, and returns its result and the result's wire form at `protocolVersion`.
    func call(_ tool: ThrumTool, _ arguments: String,
              protocolVersion: String = MCPProtocol.newestVersion) async throws -> (ToolResult, JSONValue) {
        let logger = Logger(label: "thrum-mcp-test")
        let path = "/tmp/thrum-mcp-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let server = try await LineRPCServer.bind(on: .unixPath(path, mode: 0o600), service: self, logger: logger)
        let serving = Running { try await server.run() }
        let daemon = DaemonClient(socketPath: path)
        let tools = ThrumTools(daemon: daemon, presence: AgentPresence(agent: "alice", daemon: daemon, logger: logger), logger: logger)
        let line = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\#(tool.rawValue)","arguments":\#(arguments)}}"#
        let request = try RPCRequest.parse(line: Array(line.utf8)).get()
        let result = await tools.call(tool, request)
        await serving.stop()
        let wire = try RPCWire.result(id: .int(1), result.body(protocolVersion: protocolVersion))
        return (result, try #require(BoundedJSON.decode(JSONValue.self, from: wire.dropLast())["result"]))
    }
}
