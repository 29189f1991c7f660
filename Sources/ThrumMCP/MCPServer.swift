import Logging
import NIOPosix
import ThrumRPC
#if canImport(Glibc)
import Glibc
#endif

/// `thrum mcp serve`: the Model Context Protocol over stdio (one JSON-RPC
/// message per line) for one agent, with every tool going through the local
/// daemon's control socket. Standard output carries protocol messages only;
/// logs go to the Logger (stderr).
public struct MCPServer: Sendable {
    public let agent: String
    public let socketPath: String
    public let logger: Logger
    public let maxLineBytes: Int
    /// The project claims are in when a tool call names none: the git repository the server was
    /// started in, or why there is none.
    public let project: Result<String, ProjectUnknown>

    public struct ProjectUnknown: Error, Sendable { public let reason: String; public init(_ reason: String) { self.reason = reason } }

    public init(agent: String, socketPath: String, logger: Logger, maxLineBytes: Int = 16 << 20,
                project: Result<String, ProjectUnknown> = .failure(.init("no project given"))) {
        self.project = project
        self.agent = agent
        self.socketPath = socketPath
        self.logger = logger
        self.maxLineBytes = maxLineBytes
    }

    /// Serves until standard input closes; then answers the requests in flight
    /// (a pending wait_for_message is cut short), ends the session it started,
    /// and returns the exit status.
    public func run() async -> Int32 {
        // A client that closes our stdout must not kill us with SIGPIPE before the session is ended.
        signal(SIGPIPE, SIG_IGN)
        // One thread blocks reading stdin, one writes stdout.
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let writer = StdoutWriter(pool: pool, logger: logger)
        let daemon = DaemonClient(socketPath: socketPath)
        let presence = AgentPresence(agent: agent, daemon: daemon, logger: logger)
        let inFlight = MCPRequestTasks(writer: writer)
        var router = MessageRouter(
            tools: ThrumTools(daemon: daemon, presence: presence, logger: logger, project: project),
            writer: writer, inFlight: inFlight, logger: logger)
        logger.info("mcp: serving agent \(agent) over stdio; daemon socket \(socketPath)")

        for await inbound in StdinLineReader(pool: pool, maxLineBytes: maxLineBytes).lines() {
            switch inbound {
            case let .line(bytes):
                router.receive(bytes)
            case let .tooLong(limit):
                logger.warning("mcp: a message longer than \(limit) bytes was skipped")
                writer.send(RPCWire.error(id: nil, .invalidRequest("message longer than \(limit) bytes; it was skipped")))
            }
        }

        logger.info("mcp: standard input closed; stopping")
        await inFlight.drain()
        await presence.end()
        await writer.finish()
        try? await pool.shutdownGracefully()
        return 0
    }
}
