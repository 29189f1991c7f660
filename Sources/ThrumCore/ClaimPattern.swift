/// One claim pattern: a repository-relative path glob or a task key (`task:NAME`), normalized.
///
/// - `task:NAME` is a task key. NAME is non-empty, at most 200 bytes, without `/`, whitespace or
///   control characters; `*` and `?` in it are globs (`task:deploy-*`), anything else is literal.
///   Task patterns only overlap task patterns, path patterns only path patterns.
/// - Anything else is a path relative to the repository's top folder. Refused: empty, leading or
///   trailing whitespace, a leading `/`, a `..` segment, control characters (below U+0020, and
///   U+007F), more than 1024 bytes or 64 segments once normalized. Normalized: `.` segments
///   (so a leading `./`) dropped, repeated `/` collapsed, repeated `**` segments merged, and a
///   trailing `/` (the folder) becomes `/**`. Normalizing a normalized text changes nothing.
/// - Globs, within one `/`-separated segment: `*` matches any run of characters, a leading `.`
///   too (`**` inside a segment is `*`); `?` one character; `[...]` a character class, matched as
///   `*`: overlaps the class rules out may still be reported, but none is missed, and a file
///   whose name has the brackets literally (`pages/[id].tsx`) is covered too, since there are
///   no escapes (a `[` without its `]` is literal). `**` as a whole segment matches zero or more
///   segments. No backslash escapes. Characters are Unicode scalars, compared exactly.
/// - A path with no glob character (`src/sync`, `Package.swift`) covers that path and everything
///   below it, as `src/sync/**` would: claiming a folder by its name claims its contents.
///   Its text stays as written.
public struct ClaimPattern: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case path, task }

    public let kind: Kind
    /// The normalized text (what is stored in events and shown).
    public let text: String
    /// The pattern as the matcher reads it, the folder rule's `**` included.
    let glob: Glob
    /// UTF-8 that every match starts with (a path with `/` after each segment), so `overlaps`
    /// rejects most pairs by comparing bytes, before any matching.
    let literalPrefix: [UInt8]

    public var description: String { text }

    static let taskPrefix = Array("task:".utf8)
    static let maxPathBytes = 1024, maxSegments = 64, maxTaskNameBytes = 200

    /// Parses and normalizes; throws with a message that says what is wrong and what is allowed.
    public init(parsing raw: String) throws(ClaimPatternError) {
        let scalars = Array(raw.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else {
            throw ClaimPatternError("the claim pattern is empty; write a path relative to the repository's top folder (src/, *.md) or a task key (task:NAME)")
        }
        if first.properties.isWhitespace || last.properties.isWhitespace {
            throw ClaimPatternError("claim pattern \(Self.quoted(raw)) \(first.properties.isWhitespace ? "starts" : "ends") with whitespace; remove it (spaces inside a path are allowed)")
        }
        if let control = scalars.first(where: Self.isControl) {
            throw ClaimPatternError("claim pattern \(Self.quoted(raw)) contains the control character \(Self.codePoint(control)); paths and task names cannot hold control characters")
        }
        let bytes = Array(raw.utf8)
        if bytes.starts(with: Self.taskPrefix) {
            try self.init(taskKey: raw, name: scalars.dropFirst(Self.taskPrefix.count))
        } else {
            try self.init(path: raw, bytes: bytes)
        }
    }

    private init(taskKey raw: String, name: ArraySlice<Unicode.Scalar>) throws(ClaimPatternError) {
        if name.isEmpty {
            throw ClaimPatternError("task key \(Self.quoted(raw)) has an empty name; write task:NAME")
        }
        if name.contains("/") {
            throw ClaimPatternError("task key \(Self.quoted(raw)) contains '/'; a task name is one word without '/' (task:deploy-prod)")
        }
        if name.contains(where: \.properties.isWhitespace) {
            throw ClaimPatternError("task key \(Self.quoted(raw)) contains whitespace; a task name cannot (task:deploy-prod)")
        }
        let nameBytes = raw.utf8.count - Self.taskPrefix.count
        if nameBytes > Self.maxTaskNameBytes {
            throw ClaimPatternError("task key's name is \(nameBytes) bytes long; at most \(Self.maxTaskNameBytes) are allowed")
        }
        var glob = Glob()
        glob.appendSegment(Array(name), syntax: .task)
        self.init(kind: .task, text: raw, glob: glob)
    }

    private init(path raw: String, bytes: [UInt8]) throws(ClaimPatternError) {
        if bytes.first == Glob.slash {
            throw ClaimPatternError("claim pattern \(Self.quoted(raw)) is absolute; patterns are relative to the repository's top folder (src/a.swift, not /src/a.swift)")
        }
        var segments: [[UInt8]] = []
        bytes.withUnsafeBufferPointer { buffer in
            _ = Glob.forEachSegment(of: buffer) { segment in
                // `a/**/**/b` means `a/**/b`; merging keeps one text per meaning.
                if !(Glob.isAnySegments(segment) && segments.last.map(Glob.isAnySegments) == true) {
                    segments.append(Array(segment))
                }
                return true
            }
        }
        if segments.contains(where: { $0.elementsEqual("..".utf8) }) {
            throw ClaimPatternError("claim pattern \(Self.quoted(raw)) has a '..' segment; patterns stay inside the repository: name the path from its top folder")
        }
        if segments.isEmpty {
            throw ClaimPatternError("claim pattern \(Self.quoted(raw)) names no path; write a path relative to the repository's top folder, or ** for all of it")
        }
        if bytes.last == Glob.slash, !Glob.isAnySegments(segments[segments.count - 1]) {
            segments.append(Array("**".utf8))
        }
        var normalized: [UInt8] = []
        for segment in segments {
            if !normalized.isEmpty { normalized.append(Glob.slash) }
            normalized.append(contentsOf: segment)
        }
        if normalized.count > Self.maxPathBytes {
            throw ClaimPatternError("claim pattern is \(normalized.count) bytes long once normalized; at most \(Self.maxPathBytes) are allowed")
        }
        if segments.count > Self.maxSegments {
            throw ClaimPatternError("claim pattern has \(segments.count) segments; at most \(Self.maxSegments) are allowed")
        }
        var glob = Glob()
        for segment in segments { glob.appendSegment(Array(String(decoding: segment, as: UTF8.self).unicodeScalars), syntax: .path) }
        if glob.isLiteral { glob.appendAnySegments() }
        self.init(kind: .path, text: String(decoding: normalized, as: UTF8.self), glob: glob)
    }

    private init(kind: Kind, text: String, glob: Glob) {
        self.kind = kind
        self.text = text
        self.glob = glob
        literalPrefix = glob.literalPrefix
    }

    // The text determines everything else, so it alone is compared and hashed.
    public static func == (lhs: ClaimPattern, rhs: ClaimPattern) -> Bool {
        lhs.kind == rhs.kind && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(text)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7f }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The input as a Swift literal (control characters escaped), cut short: messages are shown
    /// to whoever typed it, and a pattern can be long.
    static func quoted(_ raw: String) -> String {
        let limit = 80
        let scalars = raw.unicodeScalars
        guard scalars.count > limit else { return raw.debugDescription }
        return String(String.UnicodeScalarView(scalars.prefix(limit))).debugDescription + "…"
    }
}

public struct ClaimPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
