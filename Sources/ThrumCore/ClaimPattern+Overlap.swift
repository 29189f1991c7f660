extension ClaimPattern {
    /// Whether some path (or task name) could match both patterns. Never false when one exists;
    /// true when none does only because a class is read as any one character, or because the
    /// one name both fit is `.` or `..`, which no path has (`.?` and `?.`).
    public func overlaps(_ other: ClaimPattern) -> Bool {
        // A check of many paths against many claims rejects most pairs here, without allocating.
        guard kind == other.kind, Self.agree(literalPrefix, other.literalPrefix) else { return false }
        return glob.overlaps(other.glob)
    }

    /// Whether this pattern covers `path`, a repository-relative path as git prints it
    /// (`src/a.swift`), or a task key `task:NAME`. The path's characters are literal; it is
    /// normalized as patterns are, and an absolute path or one with a `..` segment is not covered.
    public func covers(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            if bytes.starts(with: Self.taskPrefix) {
                let name = UnsafeBufferPointer(rebasing: bytes[Self.taskPrefix.count...])
                guard kind == .task, !name.isEmpty, !name.contains(Glob.slash) else { return false }
                var literal = Glob()
                literal.appendLiteral(name)
                return glob.overlaps(literal)
            }
            guard kind == .path, bytes.first != Glob.slash else { return false }
            // First pass, allocation-free: the path (with `/` after each segment) must start with
            // the literal prefix, and must have no `..`.
            var matched = 0, segments = 0
            let admitted = Glob.forEachSegment(of: bytes) { segment in
                guard !segment.elementsEqual("..".utf8) else { return false }
                segments += 1
                for byte in segment {
                    guard matched < literalPrefix.count else { return true }
                    guard literalPrefix[matched] == byte else { return false }
                    matched += 1
                }
                guard matched < literalPrefix.count else { return true }
                guard literalPrefix[matched] == Glob.slash else { return false }
                matched += 1
                return true
            }
            guard admitted, segments > 0, matched == literalPrefix.count else { return false }
            var literal = Glob()
            _ = Glob.forEachSegment(of: bytes) { segment in
                literal.appendLiteral(segment)
                return true
            }
            return glob.overlaps(literal)
        }
    }

    /// Whether one byte string is a prefix of the other.
    static func agree(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var i = 0
        let count = min(a.count, b.count)
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}

extension ClaimPattern.Glob {
    /// Whether some sequence of segments matches both. `**` on either side may match no segment
    /// or take one of the other side's (a `**` too); other segments must overlap as globs.
    func overlaps(_ other: Self) -> Bool {
        Self.commonSpelling(
            segments.count, other.segments.count,
            isStarA: { segments[$0].kind == .anySegments },
            isStarB: { other.segments[$0].kind == .anySegments },
            compatible: { segment(segments[$0], overlaps: other.segments[$1], of: other) })
    }

    /// Whether some segment name matches both (neither is `**`). The shared name is never empty
    /// when it must not be: if the empty name fits both, both are all `*`, and so fit any name.
    private func segment(_ a: Segment, overlaps b: Segment, of other: Self) -> Bool {
        if a.kind == .literal, b.kind == .literal { return tokens[a.tokens] == other.tokens[b.tokens] }
        let star = Self.star, anyOne = Self.anyOne
        let aStart = a.tokens.lowerBound, bStart = b.tokens.lowerBound
        return Self.commonSpelling(
            a.tokens.count, b.tokens.count,
            isStarA: { tokens[aStart + $0] == star },
            isStarB: { other.tokens[bStart + $0] == star },
            compatible: {
                let x = tokens[aStart + $0], y = other.tokens[bStart + $1]
                return x == y || x == anyOne || y == anyOne
            })
    }

    /// Whether one sequence can be spelled by both `a` (count `m`) and `b` (count `n`), where a
    /// star stands for any run of elements and other elements pair up when `compatible`.
    /// With s(i, j) meaning "the rests from i and j share a spelling": a star at a[i] spells
    /// nothing, s(i+1, j), or also b[j]'s element, s(i, j+1) (likewise a star at b[j]); two
    /// non-stars need compatible(i, j) and s(i+1, j+1). A shortest shared spelling never has
    /// both stars spell the same element, so these cases find it. Bottom-up from the ends, two
    /// rows kept: O(m·n) time, O(n) space, on the stack while it is small.
    static func commonSpelling(
        _ m: Int, _ n: Int,
        isStarA: (Int) -> Bool, isStarB: (Int) -> Bool, compatible: (Int, Int) -> Bool
    ) -> Bool {
        let width = n + 1
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * width) { rows in
            rows.initialize(repeating: false)
            var current = 0, below = width
            for i in stride(from: m, through: 0, by: -1) {
                for j in stride(from: n, through: 0, by: -1) {
                    let aStar = i < m && isStarA(i), bStar = j < n && isStarB(j)
                    let shared: Bool
                    if i == m && j == n {
                        shared = true
                    } else if aStar && (rows[below + j] || (j < n && rows[current + j + 1])) {
                        shared = true
                    } else if bStar && (rows[current + j + 1] || (i < m && rows[below + j])) {
                        shared = true
                    } else if !aStar && !bStar && i < m && j < n {
                        shared = rows[below + j + 1] && compatible(i, j)
                    } else {
                        shared = false
                    }
                    rows[current + j] = shared
                }
                swap(&current, &below)
            }
            return rows[below]
        }
    }
}
