import ThrumControlAPI

// The structured results the MCP server makes itself; the other tools pass on the
// control API's result types. Each tool's schema: ToolOutputSchemas.swift.

/// The structured result of send_message.
struct SentMessage: Encodable, Sendable {
    var messageID: String
    var eventID: String
    var to: String
    var threadID: String?
    enum CodingKeys: String, CodingKey { case messageID = "message_id", eventID = "event_id", to, threadID = "thread_id" }
}

/// The structured result of reply.
struct SentReply: Encodable, Sendable {
    var messageID: String
    var eventID: String
    var replyTo: String
    enum CodingKeys: String, CodingKey { case messageID = "message_id", eventID = "event_id", replyTo = "reply_to" }
}

/// The structured result of wait_for_message.
struct WaitOutcome: Encodable, Sendable {
    var message: MessageRecord?
    var timedOut: Bool
    enum CodingKeys: String, CodingKey { case message, timedOut = "timed_out" }
}
