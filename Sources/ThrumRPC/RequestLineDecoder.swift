import NIOCore

/// Splits the byte stream at `\n`, keeping a `\r` before it (JSON whitespace),
/// so each line's size on the wire is its length plus one. Resumes its search
/// where the last one stopped: linear however a long line is chunked.
struct RequestLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    private var searched = 0

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + searched)...].firstIndex(of: 0x0a) else {
            searched = view.count
            return .needMoreData
        }
        searched = 0
        let line = buffer.readSlice(length: newline - view.startIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its newline is not a request.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
