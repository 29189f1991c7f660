import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Splits the byte stream at `\n`, keeping a `\r` before it (JSON whitespace),
/// so each line's size on the wire is its length plus one. Resumes its search
/// where the last one stopped, with memchr: linear and cheap however a long
/// line is chunked, so a client sending huge lines does not hold the event loop.
struct RequestLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    private var searched = 0

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let from = searched
        let found = buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count > from, let base = bytes.baseAddress,
                  let hit = memchr(base + from, 0x0a, bytes.count - from) else { return nil }
            return UnsafeRawPointer(hit) - base
        }
        guard let newline = found else {
            searched = buffer.readableBytes
            return .needMoreData
        }
        searched = 0
        let line = buffer.readSlice(length: newline)!
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
