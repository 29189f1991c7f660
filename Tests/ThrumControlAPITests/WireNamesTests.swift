import FoundationEssentials
import Testing
import ThrumControlAPI

/// The control socket's JSON names are the protocol: the CLI, the MCP server and scripts read
/// them. They are pinned here, so that renaming a property (or a store column) cannot change them.
@Suite struct WireNamesTests {
    /// The top-level keys of a value's JSON object.
    struct Keys: Decodable {
        struct Name: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var names: Set<String>
        init(from decoder: any Decoder) throws {
            names = Set(try decoder.container(keyedBy: Name.self).allKeys.map(\.stringValue))
        }
    }

    func keys(of value: some Encodable) throws -> Set<String> {
        try JSONDecoder().decode(Keys.self, from: JSONEncoder().encode(value)).names
    }

    @Test func messageRecord() throws {
        let message = MessageRecord(messageID: "msg_1", eventID: "evt_1", from: "alice@d_1", to: "@bob@d_2",
                                    recipient: "bob@d_2", fromDisplay: "alice", toDisplay: "@bob", text: "hi",
                                    threadID: "thr_1", replyTo: "msg_0", createdAt: "t0", editedAt: "t1",
                                    deleted: false, originDaemon: "d_1", read: true)
        #expect(try keys(of: message) == [
            "message_id", "event_id", "from", "to", "recipient", "from_display", "to_display", "text", "thread_id",
            "reply_to", "created_at", "edited_at", "deleted", "origin_daemon", "read",
        ])
    }

    @Test func agentRecord() throws {
        let agent = AgentRecord(address: "alice@d_1", display: "alice", name: "alice", role: "reviewer", host: "ws",
                                originDaemon: "d_1", registeredAt: "t0", deregistered: false)
        #expect(try keys(of: agent) == ["address", "display", "name", "role", "host", "origin_daemon", "registered_at",
                                        "deregistered"])
    }

    @Test func quarantineRecord() throws {
        let entry = QuarantineRecord(eventID: "evt_1", receivedAt: "t0", fromDaemon: "d_2", reason: "bad signature",
                                     stage: "signature", eventJSON: "{}")
        #expect(try keys(of: entry) == ["event_id", "received_at", "from_daemon", "reason", "stage", "event_json"])
    }

    @Test func written() throws {
        let written = ControlResults.Written(eventID: "evt_1", seq: 1, messageID: "msg_1", sessionID: "ses_1")
        #expect(try keys(of: written) == ["event_id", "seq", "message_id", "session_id"])
    }
}
