import Logging
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serves one connection: admit the peer, then read a line, answer it, repeat.
struct ConnectionLoop<Service: RPCService>: Sendable {
    let service: Service
    let limits: ServerLimits
    /// This connection's share of the listener's request byte budget.
    let bytes: ConnectionBytes
    /// The listener's name in log lines ("control", "sync").
    let label: String
    let logger: Logger

    /// Serves until the client hangs up, the connection fails, or the task is
    /// cancelled. A client that hangs up cancels the request it is waiting for
    /// (`HangupCancellation`): a `message.wait` whose caller is gone must not go
    /// on and consume a message nobody will receive.
    func run(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        let peer = await Self.identify(channel)
        let hangup = HangupCancellation()
        channel.closeFuture.whenComplete { _ in hangup.connectionClosed() }
        do {
            try await connection.executeThenClose { inbound, outbound in
                if let refusal = await service.admit(peer) {
                    try await outbound.write(ByteBuffer(bytes: RPCWire.error(id: nil, refusal)))
                    try await Self.lingerAfterRefusal(inbound, channel: channel)
                    return
                }
                do {
                    for try await line in inbound {
                        if Task.isCancelled { break }
                        let text = line.getBytes(at: line.readerIndex, length: line.readableBytes) ?? []
                        defer { bytes.answered(text.count + 1) }
                        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
                        if let response = await answer(text, peer: peer, hangup: hangup) {
                            try await outbound.write(ByteBuffer(bytes: response))
                        }
                    }
                } catch is ByteToMessageDecoderError.PayloadTooLargeError {
                    logger.warning("\(label): request line from \(peer) longer than \(limits.maxLineBytes) bytes; connection closed")
                    let error = RPCError.invalidRequest("request line longer than \(limits.maxLineBytes) bytes; connection closed")
                    try await outbound.write(ByteBuffer(bytes: RPCWire.error(id: nil, error)))
                }
            }
        } catch {
            // The peer went away or the connection was closed at shutdown; nothing to answer.
            logger.debug("\(label): connection from \(peer) ended: \(error)")
        }
    }

    /// Closing a socket that still holds unread input sends a reset, which can
    /// destroy the refusal before the peer reads it. So: send FIN, discard what
    /// the peer still sends until it closes too, for at most a second.
    static func lingerAfterRefusal(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, channel: Channel) async throws {
        try? await channel.close(mode: .output)
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        for try await _ in inbound {}
    }

    /// The response line for one request line, or nil for a notification.
    func answer(_ line: [UInt8], peer: RPCPeer, hangup: HangupCancellation) async -> [UInt8]? {
        let parsed = line.count > limits.perConnectionAllowance
            ? await limits.largeRequests.run { RPCRequest.parse(line: line) }
            : RPCRequest.parse(line: line)
        switch parsed {
        case let .failure(rejection):
            return RPCWire.error(id: rejection.id, rejection.error)
        case let .success(request):
            let reply = await hangup.run { await service.handle(request, from: peer) }
            guard let id = request.id else { return nil }
            switch reply {
            case let .error(error):
                return RPCWire.error(id: id, error)
            case let .result(value):
                do {
                    return try RPCWire.result(id: id, value)
                } catch {
                    logger.error("cannot encode the result of \(request.method): \(error)")
                    return RPCWire.error(id: id, .internalError("the result could not be encoded"))
                }
            }
        }
    }

    static func identify(_ channel: Channel) async -> RPCPeer {
        if let remote = channel.remoteAddress, let ip = remote.ipAddress, let port = remote.port {
            return RPCPeer.tcp(ip: ip, port: port)
        }
        guard let provider = channel as? SocketOptionProvider else { return RPCPeer(origin: .unknown) }
        let future: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        guard let cred = try? await future.get() else { return RPCPeer(origin: .unknown) }
        return RPCPeer(origin: .unix(uid: cred.uid, gid: cred.gid, pid: cred.pid))
    }
}

/// `struct ucred` from <sys/socket.h>, which Glibc's module map hides behind
/// _GNU_SOURCE: pid, uid, gid, in that order.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// The request a connection is working on, cancelled when the client goes
/// away: a `message.wait` whose caller hung up must not go on and consume a
/// message nobody will receive.
final class HangupCancellation: Sendable {
    private struct State {
        var closed = false
        var task: Task<RPCReply, Never>?
    }

    private let state = Mutex(State())

    func run(_ body: @escaping @Sendable () async -> RPCReply) async -> RPCReply {
        let task = Task { await body() }
        let alreadyClosed = state.withLock { s -> Bool in
            s.task = task
            return s.closed
        }
        if alreadyClosed { task.cancel() }
        let reply = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        state.withLock { $0.task = nil }
        return reply
    }

    func connectionClosed() {
        let task = state.withLock { s -> Task<RPCReply, Never>? in
            s.closed = true
            return s.task
        }
        task?.cancel()
    }
}
