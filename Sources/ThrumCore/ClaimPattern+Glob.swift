extension ClaimPattern {
    /// A pattern, or a literal path, as the matcher reads it: segments whose tokens sit in one
    /// flat buffer, so comparing two patterns reads arrays by index and builds nothing.
    struct Glob: Sendable {
        enum Syntax { case path, task }

        enum SegmentKind: Sendable { case literal, glob, anySegments }

        struct Segment: Sendable {
            var tokens: Range<Int>
            var kind: SegmentKind
        }

        /// A literal character is its scalar value; these two lie above every scalar value.
        static let star: UInt32 = 0xFFFF_FFFF
        static let anyOne: UInt32 = 0xFFFF_FFFE
        static let slash = UInt8(ascii: "/")

        private(set) var tokens: [UInt32] = []
        private(set) var segments: [Segment] = []

        var isLiteral: Bool { segments.allSatisfy { $0.kind == .literal } }

        /// A whole-segment `**`: zero or more segments.
        mutating func appendAnySegments() {
            segments.append(Segment(tokens: tokens.count..<tokens.count, kind: .anySegments))
        }

        /// A segment whose characters are all literal (a path's, which may contain `*`).
        mutating func appendLiteral(_ bytes: UnsafeBufferPointer<UInt8>) {
            let start = tokens.count
            tokens.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars.lazy.map(\.value))
            segments.append(Segment(tokens: start..<tokens.count, kind: .literal))
        }

        /// A pattern's segment. Runs of `*` become one token (same meaning, shorter tables); a
        /// class becomes `*`, a superset of what it matches. Task names have no classes
        /// and no `**` segments.
        mutating func appendSegment(_ scalars: [Unicode.Scalar], syntax: Syntax) {
            if syntax == .path, scalars == ["*", "*"] { return appendAnySegments() }
            let start = tokens.count
            var isGlob = false
            var i = 0
            while i < scalars.count {
                let scalar = scalars[i]
                i += 1
                if scalar == "*" {
                    isGlob = true
                    if tokens.count == start || tokens[tokens.count - 1] != Self.star { tokens.append(Self.star) }
                } else if scalar == "?" {
                    isGlob = true
                    tokens.append(Self.anyOne)
                } else if syntax == .path, scalar == "[", let close = Self.classEnd(scalars, opening: i - 1) {
                    // As `*`: it covers what the class matches, and also a file whose name has
                    // the brackets literally (`pages/[id].tsx`), since there are no escapes.
                    isGlob = true
                    if tokens.count == start || tokens[tokens.count - 1] != Self.star { tokens.append(Self.star) }
                    i = close + 1
                } else {
                    tokens.append(scalar.value)
                }
            }
            segments.append(Segment(tokens: start..<tokens.count, kind: isGlob ? .glob : .literal))
        }

        /// Where the class opened at `opening` closes, or nil when it does not (then the `[` is
        /// literal, as in shells). A `]` right after `[` or `[!`/`[^` is a member, and so is
        /// everything within a `[:name:]`, as git reads them.
        static func classEnd(_ scalars: [Unicode.Scalar], opening: Int) -> Int? {
            var i = opening + 1
            if i < scalars.count, scalars[i] == "!" || scalars[i] == "^" { i += 1 }
            if i < scalars.count, scalars[i] == "]" { i += 1 }
            while i < scalars.count {
                if scalars[i] == "]" { return i }
                if scalars[i] == "[", i + 1 < scalars.count, scalars[i + 1] == ":",
                   let end = (i + 2..<scalars.count).first(where: { scalars[$0] == ":" && $0 + 1 < scalars.count && scalars[$0 + 1] == "]" }) {
                    i = end + 2
                } else {
                    i += 1
                }
            }
            return nil
        }

        /// The UTF-8 every match starts with: the text before the first glob token, with `/`
        /// after each whole segment (so `src` and `srcx/` disagree, while `src/` and `src/a`
        /// agree). Comparing a pattern's with another's, or with a path's plus `/`, can only
        /// rule matches out.
        var literalPrefix: [UInt8] {
            var bytes: [UInt8] = []
            for segment in segments {
                if segment.kind == .anySegments { return bytes }
                for token in tokens[segment.tokens] {
                    guard token != Self.star, token != Self.anyOne, let scalar = Unicode.Scalar(token) else { return bytes }
                    UTF8.encode(scalar) { bytes.append($0) }
                }
                bytes.append(Self.slash)
            }
            return bytes
        }

        static func isAnySegments(_ segment: some Collection<UInt8>) -> Bool {
            segment.elementsEqual("**".utf8)
        }

        /// Calls `body` with each segment of a `/`-separated text, skipping the empty and `.`
        /// ones (the normalization patterns and paths share), until it returns false; returns
        /// whether it never did.
        static func forEachSegment(of bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            var start = 0
            while true {
                var end = start
                while end < bytes.count && bytes[end] != slash { end += 1 }
                let segment = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let skipped = segment.isEmpty || (segment.count == 1 && segment[0] == UInt8(ascii: "."))
                if !skipped, !body(segment) { return false }
                guard end < bytes.count else { return true }
                start = end + 1
            }
        }
    }
}
