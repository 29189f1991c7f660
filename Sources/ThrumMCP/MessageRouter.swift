import FoundationEssentials
import Logging
import ThrumCore
import ThrumRPC

/// Takes each line from the client in arrival order. A request naming a
/// revision in its envelope (2026-07-28) is served at that revision on its own;
/// for the others the lifecycle (whether initialize has happened, the negotiated
/// version) is decided here, in order. Requests that talk to the daemon are
/// answered by their own tasks, so a long wait_for_message or an open listen
/// stream never holds up a ping or another tool.
struct MessageRouter {
    let tools: ThrumTools
    let writer: StdoutWriter
    let inFlight: MCPRequestTasks
    let logger: Logger
    /// The protocol version agreed on by initialize; nil until then.
    private(set) var protocolVersion: String?
    /// For the requests that are only answered after initialize.
    private var negotiatedVersion: String { protocolVersion ?? MCPProtocol.newestVersion }

    init(tools: ThrumTools, writer: StdoutWriter, inFlight: MCPRequestTasks, logger: Logger) {
        self.tools = tools
        self.writer = writer
        self.inFlight = inFlight
        self.logger = logger
    }

    mutating func receive(_ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        switch RPCRequest.parse(line: line) {
        case let .failure(rejection):
            if Self.isResponse(line) {
                // We send no requests, so no response is expected; answering one would confuse the client.
                logger.warning("mcp: ignored a JSON-RPC response from the client; this server sends no requests")
                return
            }
            logger.warning("mcp: rejected a message: \(rejection.error.message)")
            writer.send(RPCWire.error(id: rejection.id, rejection.error))
        case let .success(request):
            if let id = request.id {
                answer(request, id: id)
            } else {
                notice(request)
            }
        }
    }

    /// A notification: never answered, even when it is unknown or malformed.
    private func notice(_ request: RPCRequest) {
        switch request.method {
        case "notifications/initialized":
            logger.debug("mcp: client confirmed initialization")
        case "notifications/cancelled":
            if let params = try? request.params(CancelledParams.self) {
                logger.info("mcp: client cancelled request \(params.requestId)")
                inFlight.cancel(params.requestId)
            }
        default:
            logger.debug("mcp: ignored notification \(request.method)")
        }
    }

    private mutating func answer(_ request: RPCRequest, id: JSONValue) {
        switch RequestEnvelope.version(of: request) {
        case nil:
            answerHandshake(request, id: id)
        case let .failure(error)?:
            reply(id, error: error)
        case let .success(version)?:
            answerEnveloped(request, id: id, version: version)
        }
    }

    /// A request at an envelope revision: served on its own, whether or not
    /// initialize has happened, and never changing the handshake's state.
    private func answerEnveloped(_ request: RPCRequest, id: JSONValue, version: String) {
        switch request.method {
        case "server/discover":
            discover(id)
        case "tools/list":
            reply(id, EnvelopeResult(result: CachedToolList(protocolVersion: version)))
        case "tools/call":
            callTool(request, id: id, version: version)
        case "subscriptions/listen":
            listen(request, id: id)
        case "initialize":
            reply(id, error: .invalidRequest("initialize belongs to the handshake revisions; a request naming \(version) in its envelope needs none"))
        default:
            reply(id, error: .methodNotFound(request.method))
        }
    }

    private mutating func answerHandshake(_ request: RPCRequest, id: JSONValue) {
        switch request.method {
        case "server/discover":
            // The probe of a client that may speak an envelope revision; it changes nothing in the handshake.
            discover(id)
        case "initialize":
            initialize(request, id: id)
        case "ping":
            reply(id, EmptyResult())
        case _ where protocolVersion == nil:
            reply(id, error: MCPProtocol.notInitialized(request.method))
        case "tools/list":
            reply(id, ToolList(protocolVersion: negotiatedVersion))
        case "tools/call":
            callTool(request, id: id, version: negotiatedVersion)
        default:
            reply(id, error: .methodNotFound(request.method))
        }
    }

    private mutating func initialize(_ request: RPCRequest, id: JSONValue) {
        guard protocolVersion == nil else {
            return reply(id, error: .invalidRequest("the server is already initialized; initialize is sent once per connection"))
        }
        let params: InitializeParams
        do {
            params = try request.params(InitializeParams.self)
        } catch {
            return reply(id, error: error)
        }
        let version = MCPProtocol.negotiate(params.protocolVersion)
        protocolVersion = version
        logger.info("mcp: initialized by \(params.clientInfo?.name ?? "a client") \(params.clientInfo?.version ?? ""), protocol \(version)")
        let presence = tools.presence
        let logger = self.logger
        inFlight.start(id) {
            await Self.setUp(presence, logger: logger)
            let result = InitializeResult(protocolVersion: version, instructions: InitializeResult.instructions(agent: presence.agent))
            return Self.encode(id, result, logger: logger)
        }
    }

    /// Sets the agent up now, so it shows as registered with a session at once; a failure is
    /// not the client's: the tools report it and retry.
    private static func setUp(_ presence: AgentPresence, logger: Logger) async {
        do throws(DaemonFailure) {
            try await presence.ensure()
        } catch {
            logger.warning("mcp: could not set up agent \(presence.agent) yet: \(error.message)")
        }
    }

    /// Answered with the agent set up, as initialize is: a client at an envelope revision
    /// sends no initialize, and the agent should show as registered with a session at once.
    private func discover(_ id: JSONValue) {
        let presence = tools.presence
        let logger = self.logger
        inFlight.start(id) {
            await Self.setUp(presence, logger: logger)
            let result = DiscoverResult(instructions: InitializeResult.instructions(agent: presence.agent))
            return Self.encode(id, EnvelopeResult(result: result), logger: logger)
        }
    }

    private func callTool(_ request: RPCRequest, id: JSONValue, version: String) {
        let name: String
        do {
            name = try request.params(ToolCallName.self).name
        } catch {
            return reply(id, error: error)
        }
        guard let tool = ThrumTool(rawValue: name) else {
            let known = ThrumTool.allCases.map(\.rawValue).joined(separator: ", ")
            return reply(id, error: .invalidParams("unknown tool \"\(name.prefix(80))\"; the tools are: \(known)"))
        }
        let tools = self.tools
        let logger = self.logger
        let enveloped = MCPProtocol.envelopeVersions.contains(version)
        inFlight.start(id, interruptible: tool == .waitForMessage) {
            let result = await tools.call(tool, request)
            if result.isError { logger.info("mcp: \(tool.rawValue) failed: \(result.text)") }
            let body = result.body(protocolVersion: version)
            return enveloped ? Self.encode(id, EnvelopeResult(result: body), logger: logger) : Self.encode(id, body, logger: logger)
        }
    }

    private func listen(_ request: RPCRequest, id: JSONValue) {
        let params: InboxListener.Params
        do {
            params = try request.params(InboxListener.Params.self)
        } catch {
            return reply(id, error: error)
        }
        let tools = self.tools
        let writer = self.writer
        let logger = self.logger
        inFlight.start(id, interruptible: true) {
            await InboxListener.run(id, params, tools: tools, writer: writer, logger: logger)
        }
    }

    private func reply(_ id: JSONValue, _ result: some Encodable) {
        writer.send(Self.encode(id, result, logger: logger))
    }

    private func reply(_ id: JSONValue, error: RPCError) {
        writer.send(RPCWire.error(id: id, error))
    }

    static func encode(_ id: JSONValue, _ result: some Encodable, logger: Logger) -> [UInt8] {
        do {
            return try RPCWire.result(id: id, result)
        } catch {
            logger.error("mcp: cannot encode a result: \(error)")
            return RPCWire.error(id: id, .internalError("the result could not be encoded"))
        }
    }

    /// A JSON-RPC response object: an id and a result or error, but no method.
    static func isResponse(_ line: [UInt8]) -> Bool {
        guard (try? JSONSyntax.check(line)) != nil,
              let members = try? JSONSpans.members(of: line, in: line.indices) else { return false }
        let keys = Set(members.map(\.key))
        return !keys.contains("method") && keys.contains("id") && (keys.contains("result") || keys.contains("error"))
    }
}
