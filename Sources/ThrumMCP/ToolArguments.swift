import FoundationEssentials
import ThrumCore
import ThrumRPC

// The arguments of each tool, decoded from `params.arguments` of tools/call.

struct SendMessageArguments: Decodable, Sendable {
    var to: String
    var text: String
    var thread: String?
    var ackRequired: Bool?
    enum CodingKeys: String, CodingKey { case to, text, thread, ackRequired = "ack_required" }
}

struct AcknowledgeArguments: Decodable, Sendable {
    var messageID: String
    var note: String?
    enum CodingKeys: String, CodingKey { case messageID = "message_id", note }
}

struct MessageIDArguments: Decodable, Sendable {
    var messageID: String
    enum CodingKeys: String, CodingKey { case messageID = "message_id" }
}

struct ReplyArguments: Decodable, Sendable {
    var messageID: String
    var text: String
    enum CodingKeys: String, CodingKey { case messageID = "message_id", text }
}

struct CheckInboxArguments: Decodable, Sendable {
    var unreadOnly: Bool?
    var limit: Int?
    enum CodingKeys: String, CodingKey { case unreadOnly = "unread_only", limit }
}

struct WaitArguments: Decodable, Sendable {
    var timeoutSeconds: Double?
    enum CodingKeys: String, CodingKey { case timeoutSeconds = "timeout_seconds" }
}

struct NoArguments: Decodable, Sendable {}

/// The `params` of tools/call. Missing arguments count as `{}`, so a tool whose
/// arguments are all optional can be called bare.
struct ToolCallParams<Arguments: Decodable>: Decodable {
    var name: String
    var arguments: Arguments

    enum CodingKeys: String, CodingKey { case name, arguments }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        if let given = try c.decodeIfPresent(Arguments.self, forKey: .arguments) {
            arguments = given
        } else {
            arguments = try BoundedJSON.decode(Arguments.self, from: "{}")
        }
    }
}

/// Just the tool's name, read before its arguments.
struct ToolCallName: Decodable {
    var name: String
}

struct ClaimArguments: Decodable, Sendable {
    var patterns: [String]
    var ttlSeconds: Int?
    var note: String?
    var shared: Bool?
    var project: String?
    enum CodingKeys: String, CodingKey { case patterns, ttlSeconds = "ttl_seconds", note, shared, project }
}

struct ReleaseClaimArguments: Decodable, Sendable {
    var claimID: String?
    var all: Bool?
    enum CodingKeys: String, CodingKey { case claimID = "claim_id", all }
}

struct ListClaimsArguments: Decodable, Sendable {
    var project: String?
    var of: String?
    var path: String?
}

struct CheckPathsArguments: Decodable, Sendable {
    var paths: [String]
    var project: String?
}
