import FoundationEssentials

/// The one way JSON from outside is decoded (DESIGN §7): request lines on both
/// sockets, pulled pages and events, MCP stdin, state files, tailscaled's
/// answers. The text is checked by `JSONSyntax` first, so the decoder only ever
/// sees well-formed JSON at most `JSONSyntax.maxDepth` levels deep.
public enum BoundedJSON {
    /// Decodes `type` from `bytes`; throws `JSONSyntax.Refusal` for text that
    /// is not JSON or is nested too deep, and `DecodingError` for JSON of the
    /// wrong shape.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>,
                                            maxDepth: Int = JSONSyntax.maxDepth) throws -> T {
        try JSONSyntax.check(bytes, maxDepth: maxDepth)
        return try JSONDecoder().decode(type, from: Data(bytes))
    }

    /// Same, for text.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decode(type, from: text.utf8)
    }
}
