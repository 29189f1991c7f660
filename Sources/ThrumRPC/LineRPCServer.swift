import Logging
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// JSON-RPC 2.0, one object per line, over a stream socket (DESIGN §6). Each
/// connection is served in order by its own task; connections run concurrently.
public final class LineRPCServer: Sendable {
    public let target: ListenTarget
    /// The address actually bound (useful with port 0), when known.
    public let localAddress: SocketAddress?
    private let serverChannel: Channel
    private let connections: ConnectionTracker

    public static func start(on target: ListenTarget, service: some RPCService, limits: ServerLimits = ServerLimits(),
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             logger: Logger) async throws -> LineRPCServer {
        let tracker = ConnectionTracker()
        let capWarning = CapWarning()
        let refusal = RPCWire.error(id: nil, RPCError(
            code: RPCError.overloadedCode,
            message: "too many connections (\(limits.maxConnections), THRUM_MAX_CONNECTIONS); try again later"))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard tracker.count < limits.maxConnections else {
                        limits.connectionRefused()
                        capWarning.refused("\(target)", cap: limits.maxConnections, logger: logger)
                        try channel.pipeline.syncOperations.addHandler(RefuseConnection(line: refusal))
                        return
                    }
                    let bytes = ConnectionBytes(budget: limits.budget)
                    try channel.pipeline.syncOperations.addHandler(
                        BudgetedReads(bytes: bytes, allowance: limits.perConnectionAllowance))
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(RequestLineDecoder(), maximumBufferSize: limits.maxLineBytes))
                    let wrapped = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 1, highWatermark: 2)))
                    tracker.serve(wrapped, channel: channel) {
                        await ConnectionLoop(service: service, limits: limits, bytes: bytes, logger: logger)
                            .run(wrapped, channel: channel)
                    }
                }
            }
        let channel: Channel
        switch target {
        case let .unixPath(path, mode):
            channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            guard chmod(path, mode_t(mode)) == 0 else {
                try? await channel.close()
                throw ListenError("cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
            }
        case let .tcp(host, port, device?):
            let fd = try DeviceBoundSocket.make(host: host, port: port, device: device)
            channel = try await bootstrap.withBoundSocket(fd).get()
        case let .tcp(host, port, nil):
            channel = try await bootstrap.bind(host: host, port: port).get()
        case let .inherited(fd, _):
            channel = try await bootstrap.withBoundSocket(fd).get()
        }
        return LineRPCServer(target: target, localAddress: channel.localAddress, serverChannel: channel, connections: tracker)
    }

    private init(target: ListenTarget, localAddress: SocketAddress?, serverChannel: Channel, connections: ConnectionTracker) {
        self.target = target
        self.localAddress = localAddress
        self.serverChannel = serverChannel
        self.connections = connections
    }

    /// Connections being served now.
    public var openConnections: Int { connections.count }

    /// Stops accepting, lets requests in flight finish (long waits are
    /// cancelled), then closes every connection. A unix socket file is removed.
    public func shutdown(grace: Duration = .seconds(5)) async {
        try? await serverChannel.close()
        await connections.drain(grace: grace)
        if case let .unixPath(path, _) = target { unlink(path) }
    }
}

/// Tracks each connection's task so shutdown can cancel and await them.
final class ConnectionTracker: Sendable {
    private struct Entry: Sendable {
        let channel: Channel
        let task: Task<Void, Never>
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let closed = Mutex(false)

    var count: Int { entries.withLock { $0.count } }

    func serve(_ wrapped: NIOAsyncChannel<ByteBuffer, ByteBuffer>, channel: Channel,
               _ body: @escaping @Sendable () async -> Void) {
        let key = ObjectIdentifier(channel)
        if closed.withLock({ $0 }) {
            channel.close(promise: nil)
            return
        }
        let task = Task {
            await body()
            _ = self.entries.withLock { $0.removeValue(forKey: key) }
        }
        entries.withLock { $0[key] = Entry(channel: channel, task: task) }
    }

    func drain(grace: Duration) async {
        closed.withLock { $0 = true }
        let current = entries.withLock { Array($0.values) }
        for entry in current { entry.task.cancel() }
        let deadline = ContinuousClock.now + grace
        while count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for entry in entries.withLock({ Array($0.values) }) {
            try? await entry.channel.close()
        }
    }
}
