import Logging
import NIOCore
import Synchronization

/// Installed instead of the usual handlers on a connection past the listener's
/// cap: sends one answer (an error line, or an HTTP 503), then closes.
public final class RefuseConnection: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    let line: [UInt8]
    private var sent = false

    public init(line: [UInt8]) { self.line = line }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        refuse(context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Says, at most once per `interval`, that a listener is refusing connections,
/// with how many it refused since it last said so.
final class CapWarning: Sendable {
    private let state = Mutex((refused: 0, last: ContinuousClock.Instant?.none))
    let interval: Duration

    init(interval: Duration = .seconds(10)) { self.interval = interval }

    func refused(_ label: String, at target: ListenTarget, cap: Int, logger: Logger) {
        let now = ContinuousClock.now
        let report = state.withLock { s -> Int? in
            s.refused += 1
            if let last = s.last, now - last < interval { return nil }
            defer { s.refused = 0; s.last = now }
            return s.refused
        }
        guard let report else { return }
        logger.warning("\(label): \(cap) connections open on \(target), the most THRUM_MAX_CONNECTIONS allows; refusing new connections (\(report) refused since the last report)")
    }
}

/// Connections a listener serves now, counted where they are accepted (on the
/// event loops), so a cap holds however fast they arrive.
public final class OpenConnections: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public var count: Int { value.load(ordering: .relaxed) }

    /// Counts one more connection and returns true, or returns false when `cap` are open already.
    public func enter(cap: Int) -> Bool {
        if value.wrappingAdd(1, ordering: .relaxed).newValue <= cap { return true }
        leave()
        return false
    }

    /// `count` connections counted by `enter` have closed.
    public func leave(_ count: Int = 1) {
        value.wrappingSubtract(count, ordering: .relaxed)
    }
}
