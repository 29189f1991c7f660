/// A bounds-checked reader of DER tag-length-value items, just enough for
/// the small fixed structures Thrum parses (PKCS#8 key files). Every read is
/// checked: the bytes come from a file a person may have edited or truncated.
struct DERReader {
    struct Item {
        let tag: UInt8
        let value: ArraySlice<UInt8>
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next item, or a reason why the bytes are not valid DER.
    mutating func read() throws(KeyFormatError) -> Item {
        guard let tag = nextByte() else { throw KeyFormatError("the DER data ends before an expected field") }
        guard let first = nextByte() else { throw KeyFormatError("the DER data ends inside a field header") }
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            // Long form: the low bits count the length bytes. Key files are
            // tiny, so more than two length bytes means the data is wrong.
            let count = Int(first & 0x7f)
            guard count >= 1, count <= 2 else { throw KeyFormatError("the DER data has an unsupported field length") }
            for _ in 0..<count {
                guard let byte = nextByte() else { throw KeyFormatError("the DER data ends inside a field length") }
                length = (length << 8) | Int(byte)
            }
        }
        guard length <= bytes.endIndex - position else { throw KeyFormatError("the DER data is truncated") }
        let value = bytes[position..<(position + length)]
        position += length
        return Item(tag: tag, value: value)
    }

    /// The next item, which must carry `tag`.
    mutating func read(tag: UInt8, what: String) throws(KeyFormatError) -> ArraySlice<UInt8> {
        let item = try read()
        guard item.tag == tag else { throw KeyFormatError("the DER data has no \(what) where one is expected") }
        return item.value
    }

    private mutating func nextByte() -> UInt8? {
        guard position < bytes.endIndex else { return nil }
        defer { position += 1 }
        return bytes[position]
    }
}

/// Why a key file's content is unusable, in words for the person who owns it.
struct KeyFormatError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
