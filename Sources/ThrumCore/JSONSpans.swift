import FoundationEssentials

/// Finds where values sit in a JSON text without decoding them, so a pulled
/// page can hand each event's bytes, exactly as received, to the validation
/// pipeline, and a request's params can be decoded without the rest of its
/// line. It checks only structure (strings, brackets, separators); callers
/// run `JSONSyntax.check` on the text first, and every span it returns is
/// decoded strictly afterwards. Never reads out of bounds, never recurses, so
/// hostile input cannot crash it.
public enum JSONSpans {
    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    /// The members of the object spanning `range` of `bytes`: key and value range.
    public static func members(of bytes: [UInt8], in range: Range<Int>) throws(Malformed) -> [(key: String, value: Range<Int>)] {
        var i = skipSpace(bytes, range.lowerBound, range.upperBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "{") else { throw Malformed(description: "expected an object") }
        i = skipSpace(bytes, i + 1, range.upperBound)
        var result: [(key: String, value: Range<Int>)] = []
        if i < range.upperBound, bytes[i] == UInt8(ascii: "}") { return result }
        while true {
            guard i < range.upperBound, bytes[i] == UInt8(ascii: "\"") else { throw Malformed(description: "expected a key") }
            let keyEnd = try endOfString(bytes, i, range.upperBound)
            let key = try keyText(bytes[i..<keyEnd])
            i = skipSpace(bytes, keyEnd, range.upperBound)
            guard i < range.upperBound, bytes[i] == UInt8(ascii: ":") else { throw Malformed(description: "expected ':'") }
            let valueStart = skipSpace(bytes, i + 1, range.upperBound)
            let valueEnd = try endOfValue(bytes, valueStart, range.upperBound)
            result.append((key, valueStart..<valueEnd))
            i = skipSpace(bytes, valueEnd, range.upperBound)
            guard i < range.upperBound else { throw Malformed(description: "unterminated object") }
            if bytes[i] == UInt8(ascii: "}") { return result }
            guard bytes[i] == UInt8(ascii: ",") else { throw Malformed(description: "expected ',' or '}'") }
            i = skipSpace(bytes, i + 1, range.upperBound)
        }
    }

    /// The ranges of the elements of the array spanning `range` of `bytes`.
    public static func elements(of bytes: [UInt8], in range: Range<Int>) throws(Malformed) -> [Range<Int>] {
        var i = skipSpace(bytes, range.lowerBound, range.upperBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "[") else { throw Malformed(description: "expected an array") }
        i = skipSpace(bytes, i + 1, range.upperBound)
        var result: [Range<Int>] = []
        if i < range.upperBound, bytes[i] == UInt8(ascii: "]") { return result }
        while true {
            let end = try endOfValue(bytes, i, range.upperBound)
            result.append(i..<end)
            i = skipSpace(bytes, end, range.upperBound)
            guard i < range.upperBound else { throw Malformed(description: "unterminated array") }
            if bytes[i] == UInt8(ascii: "]") { return result }
            guard bytes[i] == UInt8(ascii: ",") else { throw Malformed(description: "expected ',' or ']'") }
            i = skipSpace(bytes, i + 1, range.upperBound)
        }
    }

    /// One past the end of the value starting at `start`.
    private static func endOfValue(_ bytes: [UInt8], _ start: Int, _ limit: Int) throws(Malformed) -> Int {
        guard start < limit else { throw Malformed(description: "expected a value") }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try endOfString(bytes, start, limit)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Count brackets outside strings; which kind closes which is left to the decoder.
            var depth = 0
            var i = start
            while i < limit {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    i = try endOfString(bytes, i, limit)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            throw Malformed(description: "unterminated value")
        default:
            // A number or a literal: up to the next separator.
            var i = start
            scan: while i < limit {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0a, 0x0d:
                    break scan
                default:
                    i += 1
                }
            }
            guard i > start else { throw Malformed(description: "expected a value") }
            return i
        }
    }

    /// One past the closing quote of the string whose opening quote is at `start`.
    private static func endOfString(_ bytes: [UInt8], _ start: Int, _ limit: Int) throws(Malformed) -> Int {
        var i = start + 1
        while i < limit {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        throw Malformed(description: "unterminated string")
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int, _ limit: Int) -> Int {
        var i = start
        while i < limit, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0a || bytes[i] == 0x0d { i += 1 }
        return i
    }

    /// A key's text; escapes are rare, so only then is the decoder asked.
    private static func keyText(_ quoted: ArraySlice<UInt8>) throws(Malformed) -> String {
        let inner = quoted.dropFirst().dropLast()
        if !inner.contains(UInt8(ascii: "\\")) { return String(decoding: inner, as: UTF8.self) }
        guard let key = try? BoundedJSON.decode(String.self, from: quoted) else {
            throw Malformed(description: "unreadable key")
        }
        return key
    }
}
