import FoundationEssentials
import ThrumCore
import NIOCore
import NIOExtras
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a client connects.
public enum RPCEndpoint: Sendable, CustomStringConvertible {
    case unixPath(String)
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case let .unixPath(path): return path
        case let .tcp(host, port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}

public enum RPCClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing listens there (or it refused us).
    case unreachable(RPCEndpoint, String)
    case timedOut(method: String, after: Duration)
    /// The server closed the connection before answering.
    case closed(method: String)
    /// The server answered with a JSON-RPC error.
    case server(RPCError)
    case badResponse(method: String, String)

    public var description: String {
        switch self {
        case let .unreachable(endpoint, reason): return "cannot connect to \(endpoint): \(reason)"
        case let .timedOut(method, after): return "\(method): no answer within \(after)"
        case let .closed(method): return "\(method): the connection closed before an answer came"
        case let .server(error): return error.message
        case let .badResponse(method, reason): return "\(method): unreadable answer: \(reason)"
        }
    }
}

/// One client connection; requests go one at a time, in order.
/// Use it through `LineRPCClient.withConnection`, which closes it afterwards.
public final class LineRPCConnection {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: Channel
    private var nextID: Int64 = 1

    init(iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
         outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: Channel) {
        self.iterator = iterator
        self.outbound = outbound
        self.channel = channel
    }

    private struct Response<R: Decodable>: Decodable {
        var result: R?
        var error: RPCError?
    }

    /// Sends one request and waits for its answer. On timeout the connection is
    /// closed (a late answer could otherwise be read as the next call's).
    public func call<P: Encodable, R: Decodable>(_ method: String, _ params: P, as: R.Type = R.self,
                                                 timeout: Duration = .seconds(30)) async throws(RPCClientError) -> R {
        let answer = try await answerLine(method, params, timeout: timeout)
        let response: Response<R>
        do {
            response = try BoundedJSON.decode(Response<R>.self, from: answer)
        } catch {
            throw .badResponse(method: method, "\(error)")
        }
        if let error = response.error { throw .server(error) }
        guard let result = response.result else { throw .badResponse(method: method, "neither result nor error") }
        return result
    }

    /// Like `call`, but returns the answer line undecoded (result or error), for
    /// callers that must see parts of it exactly as sent.
    public func answerLine<P: Encodable>(_ method: String, _ params: P,
                                         timeout: Duration = .seconds(30)) async throws(RPCClientError) -> [UInt8] {
        let id = nextID
        nextID += 1
        let line: [UInt8]
        do {
            line = try RPCWire.request(id: .int(id), method: method, params: params)
        } catch {
            throw .badResponse(method: method, "cannot encode params: \(error)")
        }
        let channel = self.channel
        let timedOut = TimeoutFlag()
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64((timeout / .nanoseconds(1)).rounded()))) {
            timedOut.set()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        // A server may answer and close before reading our request (a refused
        // sync peer gets its 403 at once), so the write can fail while the
        // answer is already waiting: read it either way.
        try? await outbound.write(ByteBuffer(bytes: line))
        let answer = try? await iterator.next()
        if let answer { return Array(answer.readableBytesView) }
        if timedOut.isSet { throw .timedOut(method: method, after: timeout) }
        throw .closed(method: method)
    }
}

/// Set by the timeout timer, so a close by the timer is told apart from a
/// close by the server.
final class TimeoutFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}

public enum LineRPCClient {
    /// Connects, runs `body` with the connection, then closes it.
    public static func withConnection<T>(
        to endpoint: RPCEndpoint, maxLineBytes: Int = 64 << 20, connectTimeout: Duration = .seconds(5),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (LineRPCConnection) async throws -> T
    ) async throws -> T {
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(connectTimeout.components.seconds) * 1000))
        let initializer: @Sendable (Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    ByteToMessageHandler(LineBasedFrameDecoder(), maximumBufferSize: maxLineBytes))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        let wrapped: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            switch endpoint {
            case let .unixPath(path):
                wrapped = try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            case let .tcp(host, port):
                wrapped = try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            }
        } catch {
            throw RPCClientError.unreachable(endpoint, describeConnectError(error))
        }
        return try await wrapped.executeThenClose { inbound, outbound in
            let connection = LineRPCConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound, channel: wrapped.channel)
            return try await body(connection)
        }
    }

    /// One request on a fresh connection.
    public static func call<P: Encodable, R: Decodable>(_ endpoint: RPCEndpoint, _ method: String, _ params: P,
                                                        as: R.Type = R.self,
                                                        timeout: Duration = .seconds(30)) async throws -> R {
        try await withConnection(to: endpoint) { try await $0.call(method, params, as: R.self, timeout: timeout) }
    }

    /// A connect failure in words a person can act on (NIO's own text names
    /// internal types).
    static func describeConnectError(_ error: any Error) -> String {
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return describeConnectError(first.error) }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "cannot resolve \(connection.host) (check the name, or use the peer's Tailscale IP)"
            }
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return "no answer (timed out connecting; is the peer up and reachable?)"
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT: return "no such socket (is the daemon running?)"
            case ECONNREFUSED: return "connection refused (is the daemon running?)"
            case EACCES: return "permission denied (are you in the thrum group?)"
            case EHOSTUNREACH, ENETUNREACH: return "no route to host (is the peer on the tailnet and up?)"
            case ETIMEDOUT: return "timed out (is the peer up and reachable?)"
            default: return String(cString: strerror(io.errnoCode))
            }
        }
        return "\(error)"
    }
}
