/// A single pass over a JSON text that checks its syntax and bounds its
/// nesting depth without building anything: constant memory, linear time, no
/// recursion. It runs before any decoder sees hostile bytes, because
/// FoundationEssentials' JSON scanner traps on some inputs (513 levels of
/// nesting) and spends time quadratic in the depth on others.
public enum JSONSyntax {
    /// Why a text was refused, with the byte offset where it went wrong.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// Not JSON.
            case malformed
            /// JSON nested deeper than allowed.
            case tooDeep(limit: Int)
        }

        public let kind: Kind
        public let offset: Int
        let detail: String

        public var description: String {
            switch kind {
            case let .tooDeep(limit):
                return "JSON nested more than \(limit) levels deep at byte \(offset)"
            case .malformed:
                return "not valid JSON at byte \(offset): \(detail)"
            }
        }
    }

    /// The deepest nesting any JSON entry point accepts; real documents
    /// (requests, events, state files, tailscaled's answers) use under ten.
    public static let maxDepth = 64

    /// Throws unless `bytes` is exactly one JSON value (surrounded by optional
    /// whitespace) nested at most `maxDepth` levels deep.
    public static func check(_ bytes: some Collection<UInt8>, maxDepth: Int = maxDepth) throws(Refusal) {
        let limit = min(maxDepth, 64)
        let fast: Result<Void, Refusal>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Refusal) in try scan(buffer, maxDepth: limit) }
        }
        if let fast { return try fast.get() }
        let copy = Array(bytes)
        try copy.withUnsafeBufferPointer { (buffer) throws(Refusal) in try scan(buffer, maxDepth: limit) }
    }

    private enum Expect {
        case value, valueOrClose, key, keyOrClose, colon, commaOrClose, end
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(Refusal) {
        var i = 0
        var depth = 0
        // Bit d is set when level d+1 is an object; maxDepth <= 64 fits.
        var objects: UInt64 = 0
        var expect = Expect.value
        func fail(_ detail: String) -> Refusal { Refusal(kind: .malformed, offset: i, detail: detail) }
        while true {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0a || b[i] == 0x0d || b[i] == 0x09 { i += 1 }
            guard i < b.count else {
                if expect == .end { return }
                throw fail(b.isEmpty ? "empty input" : "the text ends too early")
            }
            let c = b[i]
            switch expect {
            case .value, .valueOrClose:
                if c == UInt8(ascii: "]"), expect == .valueOrClose {
                    (depth, expect) = close(depth)
                    i += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard depth < maxDepth else { throw Refusal(kind: .tooDeep(limit: maxDepth), offset: i, detail: "") }
                    let bit: UInt64 = 1 << UInt64(depth)
                    if c == UInt8(ascii: "{") { objects |= bit } else { objects &= ~bit }
                    depth += 1
                    expect = c == UInt8(ascii: "{") ? .keyOrClose : .valueOrClose
                    i += 1
                case UInt8(ascii: "\""):
                    i = try string(b, at: i)
                    expect = depth == 0 ? .end : .commaOrClose
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    i = try number(b, at: i)
                    expect = depth == 0 ? .end : .commaOrClose
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    i = try literal(b, at: i)
                    expect = depth == 0 ? .end : .commaOrClose
                default:
                    throw fail("expected a value")
                }
            case .key, .keyOrClose:
                if c == UInt8(ascii: "}"), expect == .keyOrClose {
                    (depth, expect) = close(depth)
                    i += 1
                    continue
                }
                guard c == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                i = try string(b, at: i)
                expect = .colon
            case .colon:
                guard c == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                expect = .value
            case .commaOrClose:
                let inObject = objects & (1 << UInt64(depth - 1)) != 0
                if c == UInt8(ascii: ",") {
                    expect = inObject ? .key : .value
                } else if c == (inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    (depth, expect) = close(depth)
                } else {
                    throw fail(inObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                i += 1
            case .end:
                throw fail("unexpected text after the JSON value")
            }
        }
    }

    private static func close(_ depth: Int) -> (Int, Expect) {
        (depth - 1, depth == 1 ? .end : .commaOrClose)
    }

    /// One past the closing quote of the string starting at `start`.
    private static func string(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws(Refusal) -> Int {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\""):
                return i + 1
            case UInt8(ascii: "\\"):
                guard i + 1 < b.count else {
                    throw Refusal(kind: .malformed, offset: start, detail: "unterminated string")
                }
                switch b[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 5 < b.count, (2...5).allSatisfy({ isHex(b[i + $0]) }) else {
                        throw Refusal(kind: .malformed, offset: i, detail: "a \\u escape needs four hex digits")
                    }
                    i += 6
                default:
                    throw Refusal(kind: .malformed, offset: i, detail: "unknown escape in a string")
                }
            case 0..<0x20:
                throw Refusal(kind: .malformed, offset: i, detail: "control character in a string")
            default:
                i += 1
            }
        }
        throw Refusal(kind: .malformed, offset: start, detail: "unterminated string")
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    /// One past the number starting at `start`: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private static func number(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws(Refusal) -> Int {
        var i = start
        func digits() -> Int {
            let from = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            return i - from
        }
        func fail() -> Refusal { Refusal(kind: .malformed, offset: start, detail: "malformed number") }
        if b[i] == UInt8(ascii: "-") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw fail()
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail() }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail() }
        }
        return i
    }

    private static func literal(_ b: UnsafeBufferPointer<UInt8>, at start: Int) throws(Refusal) -> Int {
        for word in ["true", "false", "null"] where b[start] == word.utf8.first! {
            let end = start + word.utf8.count
            guard end <= b.count, word.utf8.elementsEqual(b[start..<end]) else { break }
            return end
        }
        throw Refusal(kind: .malformed, offset: start, detail: "expected true, false or null")
    }
}
