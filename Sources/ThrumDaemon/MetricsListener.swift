import NIOCore
import NIOHTTP1
import NIOPosix
import ThrumCore
import ThrumRPC

/// `THRUM_METRICS_LISTEN`: HTTP/1.1 for a Prometheus scraper, served the way SwiftNIO's async
/// examples serve connections (`NIOAsyncChannel` children in a discarding task group), with
/// bounds: `maxConnections` at once (more get 503 and are closed), request heads of at most
/// `maxHeadBytes` (more get 400), a request head due within `headTimeout`, and no request body
/// read (a request that announces one is answered, then closed).
final class MetricsListener: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    static let maxConnections = 16
    static let maxHeadBytes = 16 << 10
    static let headTimeout: TimeAmount = .seconds(10)

    let target: HostPort
    let localAddress: SocketAddress?
    /// Accepted connections under the cap, wrapped by their serving task (AcceptedChannels says why).
    private let server: NIOAsyncChannel<Channel?, Never>
    private let open: OpenConnections
    private let accepted: AcceptedChannels
    private let metrics: DaemonMetrics

    private init(target: HostPort, server: NIOAsyncChannel<Channel?, Never>, open: OpenConnections,
                 accepted: AcceptedChannels, metrics: DaemonMetrics) {
        self.target = target
        self.server = server
        self.open = open
        self.accepted = accepted
        self.metrics = metrics
        localAddress = server.channel.localAddress
    }

    static func bind(_ target: HostPort, metrics: DaemonMetrics,
                     group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> MetricsListener {
        let open = OpenConnections()
        let accepted = AcceptedChannels()
        let refusal = Array("""
            HTTP/1.1 503 Service Unavailable\r
            content-type: text/plain; charset=utf-8\r
            content-length: 21\r
            retry-after: 1\r
            connection: close\r
            \r
            too many connections\n
            """.utf8)
        let limits = headLimits
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture { () throws -> Channel? in
                    guard open.enter(cap: maxConnections) else {
                        metrics.sync.refused(listener: "metrics", code: 503, reason: "connection_cap")
                        try channel.pipeline.syncOperations.addHandler(RefuseConnection(line: refusal))
                        return nil
                    }
                    do {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
                        try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(timeout: headTimeout))
                        guard try accepted.hold(channel) else {
                            open.leave()
                            return nil
                        }
                        return channel
                    } catch {
                        open.leave()
                        throw error
                    }
                }
            }
        let listener = MetricsListener(target: target, server: server, open: open, accepted: accepted, metrics: metrics)
        metrics.watchConnections(of: "metrics") { open.count }
        return listener
    }

    private static var headLimits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = maxHeadBytes
        limits.maxHeaderListSize = maxHeadBytes
        limits.maxHeaderFieldCount = 64
        return limits
    }

    /// Accepts and serves connections until the calling task is cancelled.
    func run() async {
        let open = self.open
        let waiting = self.accepted
        let metrics = self.metrics
        // Connections accepted as the listener stopped, which no child took up, are closed.
        defer { open.leave(waiting.stop()) }
        try? await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await channel in inbound {
                    guard let channel else { continue }
                    group.addTask {
                        defer { open.leave() }
                        guard let connection: Connection = await waiting.take(channel) else { return }
                        await Self.serve(connection, metrics: metrics)
                    }
                }
            }
        }
    }

    /// Answers each request at its head: nothing served needs a body. A malformed request
    /// ends the loop (NIO has answered 400) and closes the connection.
    private static func serve(_ connection: Connection, metrics: DaemonMetrics) async {
        try? await connection.executeThenClose { inbound, outbound in
            for try await part in inbound {
                guard case let .head(head) = part else { continue }
                let response = MetricsResponse.answer(head.method, head.uri) { metrics.render() }
                let keepAlive = head.isKeepAlive && !announcesBody(head) && response.status != .methodNotAllowed
                try await write(response, version: head.version, keepAlive: keepAlive, to: outbound)
                if !keepAlive { return }
            }
        }
    }

    private static func announcesBody(_ head: HTTPRequestHead) -> Bool {
        head.headers.contains(name: "transfer-encoding")
            || head.headers["content-length"].contains { $0 != "0" }
    }

    private static func write(_ response: MetricsResponse, version: HTTPVersion, keepAlive: Bool,
                              to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: response.contentType)
        headers.add(name: "content-length", value: "\(response.body.count)")
        if let allow = response.allow { headers.add(name: "allow", value: allow) }
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        // One flush for the whole answer: separate small writes would each wait on the client's ACK.
        try await outbound.write(contentsOf: [
            .head(HTTPResponseHead(version: version, status: response.status, headers: headers)),
            .body(.byteBuffer(ByteBuffer(bytes: response.body))),
            .end(nil),
        ])
    }
}
