import Testing
import ThrumCore

/// A local write hands its payload over as it is; it must be what decoding its `data` gives.
@Suite struct EventPayloadTests {
    static let samples: [(EventType, any Encodable & Sendable)] = [
        (.agentRegister, AgentRegistered(agent: "alice", role: "dev", host: nil)),
        (.agentDeregister, AgentDeregistered(agent: "alice")),
        (.sessionStart, SessionChange(sessionID: "ses_1", agent: "alice", intent: "fix")),
        (.sessionHeartbeat, SessionChange(sessionID: "ses_1", agent: "alice")),
        (.messageCreate, MessageCreated(messageID: "msg_1", from: "alice", to: "@bob", text: "hi \u{1F44B}\n", threadID: nil, replyTo: nil)),
        (.threadReply, MessageCreated(messageID: "msg_2", from: "bob", to: "@alice", text: "yo", threadID: "msg_1", replyTo: "msg_1")),
        (.messageEdit, MessageEdited(messageID: "msg_1", agent: "alice", text: "hello")),
        (.messageDelete, MessageDeleted(messageID: "msg_1", agent: "alice")),
        (.groupJoin, GroupChange(group: "ops", agent: "alice")),
        (.subscribe, SubscriptionChange(agent: "alice", topic: "ops")),
        (.threadCreate, ThreadCreated(threadID: "thr_1", agent: "alice", title: nil)),
    ]

    @Test(arguments: 0..<samples.count)
    func aLocalWritesPayloadIsWhatItsDataDecodesTo(_ index: Int) throws {
        let (type, value) = Self.samples[index]
        let held = try #require(EventPayload(type: type, value: value))
        #expect(held == EventPayload(type: type, data: PayloadJSON.encode(value)))
    }

    @Test func aPayloadOfAnotherTypeIsNotTakenForIt() {
        #expect(EventPayload(type: .messageEdit, value: MessageDeleted(messageID: "msg_1", agent: "alice")) == nil)
        #expect(EventPayload(type: .groupCreate, value: AgentDeregistered(agent: "alice")) == nil)
    }
}
