import NIOCore
import NIOHTTP1

/// What came back from one LocalAPI request.
struct LocalAPIResponse: Sendable {
    var status: Int
    var body: [UInt8]

    /// The body as text for error messages, cut short so a huge error page cannot flood a log.
    var bodyText: String {
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        // Go's http.Error ends the text with a newline.
        return String(text.reversed().drop(while: \.isWhitespace).reversed())
    }
}

/// Gathers one HTTP response into `promise`, refusing bodies larger than `limit`.
/// Whatever ends the exchange first (response, error, close, timeout) completes the promise;
/// later completions are ignored by NIO.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<LocalAPIResponse>
    private let limit: Int
    private var status: Int?
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<LocalAPIResponse>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case let .head(head):
            status = Int(head.status.code)
        case var .body(chunk):
            guard body.readableBytes + chunk.readableBytes <= limit else {
                promise.fail(LocalAPIError.badResponse(reason: "response larger than \(limit) bytes"))
                context.close(promise: nil)
                return
            }
            body.writeBuffer(&chunk)
        case .end:
            guard let status else {
                promise.fail(LocalAPIError.badResponse(reason: "response ended before its status line"))
                return
            }
            promise.succeed(LocalAPIResponse(status: status, body: Array(body.readableBytesView)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(LocalAPIError.badResponse(reason: "tailscaled closed the connection before answering"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(LocalAPIError.badResponse(reason: "not an HTTP answer: \(error)"))
        context.close(promise: nil)
    }
}
