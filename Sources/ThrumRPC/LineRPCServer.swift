import Logging
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// JSON-RPC 2.0, one object per line, over a stream socket (DESIGN §6), served the
/// way SwiftNIO's async examples serve connections: the listening socket is an
/// `NIOAsyncChannel` whose inbound stream yields accepted connections, and `run()`
/// serves each as a child task of one discarding task group. A connection's
/// requests are answered in order; connections run concurrently.
public final class LineRPCServer: Sendable {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// A connection admitted under the cap, with its share of the request byte budget;
    /// wrapped as a `Connection` by its serving task (AcceptedChannels says why).
    struct Accepted: Sendable {
        let channel: Channel
        let bytes: ConnectionBytes
    }

    public let target: ListenTarget
    /// The address actually bound (useful with port 0), when known.
    public let localAddress: SocketAddress?
    /// Accepted connections; nil for one refused past the cap (already answered, closing).
    private let listener: NIOAsyncChannel<Accepted?, Never>
    private let open: OpenConnections
    private let accepted: AcceptedChannels
    private let serve: @Sendable (Connection, ConnectionBytes) async -> Void

    /// Opens the listening socket; nothing is served until `run()`. Connections
    /// that arrive meanwhile wait in the socket's backlog.
    /// - Parameter label: names the listener in log lines ("control", "sync").
    public static func bind(on target: ListenTarget, service: some RPCService, limits: ServerLimits = ServerLimits(),
                            label: String = "rpc",
                            group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            logger: Logger) async throws -> LineRPCServer {
        let logger = logger.labelled(label)
        let open = OpenConnections()
        let accepted = AcceptedChannels()
        let capWarning = CapWarning()
        let refusal = RPCWire.error(id: nil, RPCError(
            code: RPCError.overloadedCode,
            message: "too many connections (\(limits.maxConnections), THRUM_MAX_CONNECTIONS); try again later"))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        let listener = try await target.bind(bootstrap) { channel in
            channel.eventLoop.makeCompletedFuture { () throws -> Accepted? in
                // Counted here, on the event loop, so the cap holds however fast connections arrive.
                guard open.enter(cap: limits.maxConnections) else {
                    limits.connectionRefused()
                    capWarning.refused(label, at: target, cap: limits.maxConnections, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(RefuseConnection(line: refusal))
                    return nil
                }
                do {
                    let bytes = ConnectionBytes(budget: limits.budget)
                    try channel.pipeline.syncOperations.addHandler(
                        BudgetedReads(bytes: bytes, allowance: limits.perConnectionAllowance))
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RequestLineDecoder(), maximumBufferSize: limits.maxLineBytes))
                    guard try accepted.hold(channel) else {
                        open.leave()
                        return nil
                    }
                    return Accepted(channel: channel, bytes: bytes)
                } catch {
                    open.leave()
                    throw error
                }
            }
        }
        return LineRPCServer(target: target, listener: listener, open: open, accepted: accepted) { connection, bytes in
            await ConnectionLoop(service: service, limits: limits, bytes: bytes, label: label, logger: logger)
                .run(connection)
        }
    }

    private init(target: ListenTarget, listener: NIOAsyncChannel<Accepted?, Never>, open: OpenConnections,
                 accepted: AcceptedChannels, serve: @escaping @Sendable (Connection, ConnectionBytes) async -> Void) {
        self.target = target
        self.localAddress = listener.channel.localAddress
        self.listener = listener
        self.open = open
        self.accepted = accepted
        self.serve = serve
    }

    /// Connections being served now.
    public var openConnections: Int { open.count }

    /// Serves connections until the calling task is cancelled. Then it stops
    /// accepting, cancels the requests in flight (a long `message.wait` ends at
    /// once), waits for every connection to close, and removes a unix socket file.
    /// Throws only when the listening socket fails while serving.
    public func run() async throws {
        defer { if case let .unixPath(path, _) = target { unlink(path) } }
        // Connections accepted as the listener stopped, which no child took up, are closed.
        defer { open.leave(accepted.stop()) }
        let open = self.open
        let waiting = self.accepted
        let serve = self.serve
        do {
            try await withThrowingDiscardingTaskGroup { group in
                // The listening socket is closed when the loop ends; the children are
                // cancelled then, and the group returns once every one has returned.
                defer { group.cancelAll() }
                try await listener.executeThenClose { inbound in
                    for try await accepted in inbound {
                        guard let accepted else { continue }
                        group.addTask {
                            defer { open.leave() }
                            let configuration = Connection.Configuration(
                                backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2))
                            guard let connection = await waiting.take(accepted.channel, configuration: configuration) else { return }
                            await serve(connection, accepted.bytes)
                        }
                    }
                }
            }
        } catch {
            // Stopping by cancellation is the normal end, however the stream reported it.
            if Task.isCancelled { return }
            throw error
        }
    }
}

extension Logger {
    /// This logger with `component` set to a listener's name.
    func labelled(_ label: String) -> Logger {
        var logger = self
        logger[metadataKey: "component"] = "\(label)"
        return logger
    }
}
