import ThrumRPC

/// The tools an agent sees, with the JSON Schema of each one's arguments (its
/// result's schema: ToolOutputSchemas.swift).
enum ThrumTool: String, CaseIterable, Sendable {
    case sendMessage = "send_message"
    case reply
    case checkInbox = "check_inbox"
    case waitForMessage = "wait_for_message"
    case listAgents = "list_agents"
    case syncStatus = "sync_status"
    case acknowledge
    case messageStatus = "message_status"
    case claim
    case releaseClaim = "release_claim"
    case listClaims = "list_claims"
    case checkPaths = "check_paths"

    static let inboxLimits = 1...100
    static let defaultInboxLimit = 20
    static let waitLimits = 0...3600
    static let defaultWaitSeconds = 60

    var definition: ToolDefinition {
        switch self {
        case .sendMessage:
            return ToolDefinition(
                name: rawValue, title: "Send a message",
                description: "Send a message to another agent (on this machine or any synced one), a group, or everyone.",
                inputSchema: JSONSchema.object([
                    "to": JSONSchema.string("Recipient: an agent (bob or @bob when one agent has that name; bob@HOST or bob@d_… otherwise), a group (@reviewers) or @everyone.", minLength: 1),
                    "text": JSONSchema.string("The message text.", minLength: 1),
                    "thread": JSONSchema.string("Optional thread ID to post the message in."),
                    "ack_required": JSONSchema.boolean("Ask each recipient to acknowledge it (see message_status).", default: false),
                ], required: ["to", "text"]),
                outputSchema: outputSchema, readOnly: false)
        case .reply:
            return ToolDefinition(
                name: rawValue, title: "Reply to a message",
                description: "Reply to a message, in its thread; the reply goes to its sender (or to the group it was sent to).",
                inputSchema: JSONSchema.object([
                    "message_id": JSONSchema.string("The message to answer (msg_…).", minLength: 1),
                    "text": JSONSchema.string("The reply text.", minLength: 1),
                ], required: ["message_id", "text"]),
                outputSchema: outputSchema, readOnly: false)
        case .checkInbox:
            return ToolDefinition(
                name: rawValue, title: "Check the inbox",
                description: "Read your messages, oldest first. By default only unread ones; every message returned is marked read.",
                inputSchema: JSONSchema.object([
                    "unread_only": JSONSchema.boolean("Only messages not yet read.", default: true),
                    "limit": JSONSchema.integer("At most this many messages.", range: Self.inboxLimits, default: Self.defaultInboxLimit),
                ]),
                outputSchema: outputSchema, readOnly: false)
        case .waitForMessage:
            return ToolDefinition(
                name: rawValue, title: "Wait for a message",
                description: "Wait until a message for you arrives and return it (marked read), or say that none came in time. Returns at once if an unread message is waiting.",
                inputSchema: JSONSchema.object([
                    "timeout_seconds": JSONSchema.number("How long to wait, in seconds.", range: Self.waitLimits, default: Self.defaultWaitSeconds),
                ]),
                outputSchema: outputSchema, readOnly: false)
        case .listAgents:
            return ToolDefinition(
                name: rawValue, title: "List agents",
                description: "List the agents registered on this daemon and every daemon synced with it.",
                inputSchema: JSONSchema.object([:]),
                outputSchema: outputSchema, readOnly: true)
        case .syncStatus:
            return ToolDefinition(
                name: rawValue, title: "Sync status",
                description: "Show the local Thrum daemon and its Tailscale sync: peers, their state and the last sync (as `thrum status` shows).",
                inputSchema: JSONSchema.object([:]),
                outputSchema: outputSchema, readOnly: true)
        case .acknowledge:
            return ToolDefinition(
                name: rawValue, title: "Acknowledge a message",
                description: "Tell the sender you have taken a message on; only its recipients can. Acknowledging again changes nothing.",
                inputSchema: JSONSchema.object([
                    "message_id": JSONSchema.string("The message to acknowledge (msg_…).", minLength: 1),
                    "note": JSONSchema.string("An optional short note for the sender (at most 1 KiB)."),
                ], required: ["message_id"]),
                outputSchema: outputSchema, readOnly: false)
        case .messageStatus:
            return ToolDefinition(
                name: rawValue, title: "Message status",
                description: "Show whom a message went to and, for each, whether they read it and acknowledged it.",
                inputSchema: JSONSchema.object([
                    "message_id": JSONSchema.string("The message (msg_…).", minLength: 1),
                ], required: ["message_id"]),
                outputSchema: outputSchema, readOnly: true)
        case .claim:
            return ToolDefinition(
                name: rawValue, title: "Claim paths or a task",
                description: "Reserve repository paths (globs like src/sync/** relative to the repository's top folder) or tasks "
                    + "(task:NAME) before working on them, so agents on every machine know. Refused, naming the holder, when "
                    + "another agent already holds an overlapping claim. Advisory: during a partition two agents can both "
                    + "claim; both claims then show as contested.",
                inputSchema: JSONSchema.object([
                    "patterns": JSONSchema.array("Paths or globs relative to the repository's top folder, or task:NAME.",
                                                 of: JSONSchema.string("A pattern.", minLength: 1)),
                    "ttl_seconds": JSONSchema.integer("How long it lasts unless renewed (default 3600).", range: 1...86_400),
                    "note": JSONSchema.string("What you are doing, for other agents (at most 1 KiB)."),
                    "shared": JSONSchema.boolean("Shared claims on the same paths do not conflict with each other.", default: false),
                    "project": JSONSchema.string("The project (default: the git repository this server runs in)."),
                ], required: ["patterns"]),
                outputSchema: outputSchema, readOnly: false)
        case .releaseClaim:
            return ToolDefinition(
                name: rawValue, title: "Release a claim",
                description: "Give up one of your claims (claim_id), or all of them (all: true).",
                inputSchema: JSONSchema.object([
                    "claim_id": JSONSchema.string("The claim (clm_…).", minLength: 1),
                    "all": JSONSchema.boolean("Release every live claim of yours.", default: false),
                ]),
                outputSchema: outputSchema, readOnly: false)
        case .listClaims:
            return ToolDefinition(
                name: rawValue, title: "List claims",
                description: "List the live claims of the project with their states (held, contested), optionally one agent's "
                    + "or those covering one path.",
                inputSchema: JSONSchema.object([
                    "project": JSONSchema.string("The project (default: the git repository this server runs in)."),
                    "of": JSONSchema.string("Only this agent's claims."),
                    "path": JSONSchema.string("Only claims covering this path or task:NAME."),
                ]),
                outputSchema: outputSchema, readOnly: true)
        case .checkPaths:
            return ToolDefinition(
                name: rawValue, title: "Check paths",
                description: "Before touching files: which of these paths (relative to the repository's top folder) or "
                    + "task:NAME another agent holds, and who.",
                inputSchema: JSONSchema.object([
                    "paths": JSONSchema.array("Paths or task:NAME.", of: JSONSchema.string("A path.", minLength: 1)),
                    "project": JSONSchema.string("The project (default: the git repository this server runs in)."),
                ], required: ["paths"]),
                outputSchema: outputSchema, readOnly: true)
        }
    }
}

/// One entry of tools/list.
struct ToolDefinition: Encodable, Sendable {
    struct Annotations: Encodable, Sendable {
        var readOnlyHint: Bool
        var openWorldHint = false
    }

    var name: String
    var title: String
    var description: String
    var inputSchema: JSONValue
    /// Left out for the versions whose results carry no `structuredContent`.
    var outputSchema: JSONValue?
    var annotations: Annotations

    init(name: String, title: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue, readOnly: Bool) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        annotations = Annotations(readOnlyHint: readOnly)
    }
}

struct ToolList: Encodable, Sendable {
    var tools: [ToolDefinition]

    /// A client that checks results against `outputSchema` would refuse every
    /// result without `structuredContent`, so the schema goes only with it.
    init(protocolVersion: String) {
        let structured = MCPProtocol.hasStructuredContent(protocolVersion)
        tools = ThrumTool.allCases.map { tool in
            var definition = tool.definition
            if !structured { definition.outputSchema = nil }
            return definition
        }
    }
}
