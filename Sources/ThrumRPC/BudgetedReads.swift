import NIOCore

/// First handler of a server connection: counts what arrives against the
/// shared budget, and withholds the next read while the budget is used up and
/// this connection holds more than its allowance. Nothing more is read from the
/// socket meanwhile, so the client is slowed by TCP instead of the daemon
/// buffering without bound.
final class BudgetedReads: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let bytes: ConnectionBytes
    let allowance: Int

    init(bytes: ConnectionBytes, allowance: Int) {
        self.bytes = bytes
        self.allowance = allowance
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bytes.received(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        bytes.closed()
        context.fireChannelInactive()
    }

    func read(context: ChannelHandlerContext) {
        guard bytes.held > allowance else {
            context.read()
            return
        }
        let resume = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let loop = context.eventLoop
        if bytes.budget.hasRoom(orWhenFree: { loop.execute { resume.value.0.read(context: resume.value.1) } }) {
            context.read()
        }
    }
}
