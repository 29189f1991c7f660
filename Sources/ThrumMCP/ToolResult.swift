import FoundationEssentials

/// The result of tools/call. A failed tool (daemon down, unknown recipient,
/// text too long, bad arguments) is a result with `isError: true` and a text
/// the agent can act on, not a protocol error.
struct ToolResult: Sendable {
    var text: String
    var structured: (any Encodable & Sendable)?
    var isError: Bool

    static func success(_ text: String, _ structured: some Encodable & Sendable) -> ToolResult {
        ToolResult(text: text, structured: structured, isError: false)
    }

    static func failure(_ text: String) -> ToolResult {
        ToolResult(text: text, structured: nil, isError: true)
    }

    /// The wire form for the negotiated protocol version.
    func body(protocolVersion: String) -> Body {
        Body(text: text, structured: MCPProtocol.hasStructuredContent(protocolVersion) ? structured : nil, isError: isError)
    }

    struct Body: Encodable, Sendable {
        let text: String
        let structured: (any Encodable & Sendable)?
        let isError: Bool

        private struct TextContent: Encodable {
            let type = "text"
            let text: String
        }

        private enum Keys: String, CodingKey { case content, structuredContent, isError }

        private static let json: JSONEncoder = {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return e
        }()

        /// The text for the model comes first. Structured content is also sent as its
        /// JSON in a second text block, as the spec asks, for clients that read only `content`.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            var content = [TextContent(text: text)]
            if let structured {
                content.append(TextContent(text: String(decoding: try Self.json.encode(structured), as: UTF8.self)))
                try c.encode(structured, forKey: .structuredContent)
            }
            try c.encode(content, forKey: .content)
            try c.encode(isError, forKey: .isError)
        }
    }
}
