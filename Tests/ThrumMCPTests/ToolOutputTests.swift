import Testing
import ThrumCore
import ThrumRPC
@testable import ThrumMCP

/// One tool call against the canned daemon.
struct ToolCase: Sendable, CustomTestStringConvertible {
    var tool: ThrumTool
    var arguments: String
    var daemon: [String: String]
    /// The daemon's results set every optional field, so the result should show every field its schema declares.
    var complete: Bool
    var name: String

    var testDescription: String { "\(tool.rawValue): \(name)" }

    static let all: [ToolCase] = {
        typealias S = DaemonSamples
        return [
            ToolCase(tool: .sendMessage, arguments: #"{"to":"bob","text":"hi","thread":"thr_01"}"#,
                     daemon: ["message.send": S.written], complete: true, name: "in a thread"),
            ToolCase(tool: .sendMessage, arguments: #"{"to":"@bob","text":"hi"}"#,
                     daemon: ["message.send": S.written], complete: false, name: "no thread"),
            ToolCase(tool: .reply, arguments: #"{"message_id":"msg_01","text":"done"}"#,
                     daemon: ["message.reply": S.written], complete: true, name: "reply"),
            ToolCase(tool: .checkInbox, arguments: "{}",
                     daemon: ["message.inbox": #"{"messages":[\#(S.fullMessage),\#(S.bareMessage)]}"#], complete: false, name: "full and bare messages"),
            ToolCase(tool: .checkInbox, arguments: #"{"unread_only":false,"limit":5}"#,
                     daemon: ["message.inbox": #"{"messages":[\#(S.fullMessage)]}"#], complete: true, name: "a full message"),
            ToolCase(tool: .checkInbox, arguments: "{}",
                     daemon: ["message.inbox": #"{"messages":[]}"#], complete: false, name: "empty"),
            ToolCase(tool: .waitForMessage, arguments: #"{"timeout_seconds":1}"#,
                     daemon: ["message.wait": #"{"message":\#(S.fullMessage),"timed_out":false}"#], complete: true, name: "a message"),
            ToolCase(tool: .waitForMessage, arguments: #"{"timeout_seconds":1}"#,
                     daemon: ["message.wait": #"{"message":\#(S.bareMessage),"timed_out":false}"#], complete: false, name: "a bare message"),
            ToolCase(tool: .waitForMessage, arguments: #"{"timeout_seconds":0}"#,
                     daemon: ["message.wait": #"{"timed_out":true}"#], complete: false, name: "timed out"),
            ToolCase(tool: .listAgents, arguments: "{}",
                     daemon: ["agent.list": #"{"agents":[\#(S.fullAgent)]}"#], complete: true, name: "a full agent"),
            ToolCase(tool: .listAgents, arguments: "{}",
                     daemon: ["agent.list": #"{"agents":[\#(S.bareAgent),\#(S.fullAgent)]}"#], complete: false, name: "a bare agent"),
            ToolCase(tool: .syncStatus, arguments: "{}", daemon: ["status": S.fullStatus], complete: true, name: "sync with a peer"),
            ToolCase(tool: .syncStatus, arguments: "{}", daemon: ["status": S.bareStatus], complete: false, name: "sync off"),
            ToolCase(tool: .acknowledge, arguments: #"{"message_id":"msg_09","note":"on it"}"#,
                     daemon: ["message.ack": #"{"message_id":"msg_09","acknowledged_at":"2025-11-25T10:00:00.000Z","already":false}"#],
                     complete: true, name: "acknowledged"),
            ToolCase(tool: .claim, arguments: #"{"patterns":["src/**"],"project":"p","ttl_seconds":60,"note":"refactor","shared":false}"#,
                     daemon: ["claim.add": S.fullClaim], complete: true, name: "a contested claim"),
            ToolCase(tool: .releaseClaim, arguments: #"{"claim_id":"clm_1-d_a"}"#,
                     daemon: ["claim.release": #"{"released":["clm_1-d_a"]}"#], complete: true, name: "released"),
            ToolCase(tool: .listClaims, arguments: #"{"project":"p"}"#,
                     daemon: ["claim.list": #"{"claims":[\#(S.fullClaim)]}"#], complete: true, name: "one claim"),
            ToolCase(tool: .checkPaths, arguments: #"{"paths":["src/a","docs/b"],"project":"p"}"#,
                     daemon: ["claim.check": #"{"project":"p","checked":2,"held":[{"path":"src/a","holders":[\#(S.fullHolder)]}]}"#],
                     complete: true, name: "one path held"),
            ToolCase(tool: .messageStatus, arguments: #"{"message_id":"msg_09"}"#,
                     daemon: ["message.status": S.fullMessageStatus], complete: true, name: "read and acknowledged"),
        ]
    }()
}

@Suite struct ToolOutputTests {
    @Test(arguments: ToolCase.all)
    func structuredContentMatchesTheDeclaredOutputSchema(_ c: ToolCase) async throws {
        let (result, wire) = try await DaemonSamples.daemon(c.daemon).call(c.tool, c.arguments)
        #expect(wire["isError"] == .bool(false), "\(result.text)")
        let structured = try #require(wire["structuredContent"])
        #expect(SchemaChecker.problems(structured, c.tool.outputSchema) == [])
        if c.complete {
            #expect(SchemaChecker.missing(structured, c.tool.outputSchema) == [])
            let value = try #require(result.structured)
            #expect(FieldCount.storedProperties(value) == FieldCount.keys(structured),
                    "the result type has a field its JSON (and so maybe its schema) leaves out")
        }
    }

    @Test(arguments: ToolCase.all)
    func theTextForTheModelComesFirstAndThenTheStructuredContentAsJSON(_ c: ToolCase) async throws {
        let (result, wire) = try await DaemonSamples.daemon(c.daemon).call(c.tool, c.arguments)
        guard case let .array(content)? = wire["content"] else { Issue.record("no content: \(wire)"); return }
        #expect(content.map { $0["type"] } == [.string("text"), .string("text")])
        #expect(content.first?["text"] == .string(result.text))
        guard case let .string(json)? = content.last?["text"] else { Issue.record("no JSON text"); return }
        #expect(try BoundedJSON.decode(JSONValue.self, from: json) == wire["structuredContent"])
    }

    @Test func everyToolHasACaseThatShowsAllOfItsFields() {
        #expect(Set(ToolCase.all.filter(\.complete).map(\.tool)) == Set(ThrumTool.allCases))
    }

    @Test(arguments: ThrumTool.allCases)
    func everyOutputSchemaIsAClosedObjectAsMCPRequires(_ tool: ThrumTool) {
        #expect(tool.outputSchema["type"] == .string("object"))
        #expect(tool.outputSchema["additionalProperties"] == .bool(false))
    }

    @Test func beforeStructuredContentTheResultIsTheTextAlone() async throws {
        let c = ToolCase.all[0]
        let (_, wire) = try await DaemonSamples.daemon(c.daemon).call(c.tool, c.arguments, protocolVersion: "2025-03-26")
        #expect(wire["structuredContent"] == nil)
        guard case let .array(content)? = wire["content"] else { Issue.record("no content: \(wire)"); return }
        #expect(content.count == 1)
    }

    @Test func aFailedToolIsAnErrorResultWithTextAndNoStructuredContent() async throws {
        let (result, wire) = try await DaemonSamples.daemon([:]).call(.sendMessage, #"{"to":"bob","text":"hi"}"#)
        #expect(result.isError && wire["isError"] == .bool(true))
        #expect(wire["structuredContent"] == nil)
        guard case let .array(content)? = wire["content"] else { Issue.record("no content: \(wire)"); return }
        #expect(content.count == 1 && content[0]["text"] == .string(result.text))
    }
}
