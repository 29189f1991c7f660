import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

extension ControlHandlers {
    func send(_ p: ControlParams.Send) async throws -> ControlResults.Written {
        let (agent, recipientName) = (try InputRules.name(p.agent, kind: "agent"), try recipientName(p.to))
        let text = try InputRules.text(p.text, limit: daemon.config.maxMessageSize)
        if let thread = p.threadID { _ = try InputRules.identifier(thread, prefix: "", kind: "thread") }
        let messageID = EventIDs.next(prefix: "msg_")
        let payload = MessageCreated(messageID: messageID, from: agent, to: "@" + recipientName, text: text,
                                     threadID: p.threadID, replyTo: nil)
        // The agent and the recipient are checked with the write, on the store's writer thread:
        // each trip to a store thread and back costs more than the lookups themselves.
        let stored = try await write(.messageCreate, payload, agent: agent) { store in
            _ = try ownedAgent(agent, in: store)
            _ = try recipient(recipientName, in: store)
        }
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, messageID: messageID)
    }

    /// A reply goes back to the sender of the message (or to its group or
    /// @everyone when it was sent there), in the same thread.
    func reply(_ p: ControlParams.Reply) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let parent = try await existingMessage(p.messageID)
        let text = try InputRules.text(p.text, limit: daemon.config.maxMessageSize)
        let to = parent.to == "@\(agent)" ? "@\(parent.from)" : parent.to
        let messageID = EventIDs.next(prefix: "msg_")
        let payload = MessageCreated(messageID: messageID, from: agent, to: to, text: text,
                                     threadID: parent.threadID ?? parent.messageID, replyTo: parent.messageID)
        let stored = try await write(.threadReply, payload, agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, messageID: messageID)
    }

    func inbox(_ p: ControlParams.Inbox) async throws -> MessageList {
        let agent = try await registeredAgent(p.agent)
        let limit = min(max(p.limit ?? 100, 1), 1000)
        let unreadOnly = p.unreadOnly ?? false
        let messages = try await reading { try $0.inbox(agent: agent, unreadOnly: unreadOnly, limit: limit) }
        if p.markRead == true {
            try await daemon.store.write { store in
                for message in messages { _ = try store.markRead(agent: agent, messageID: message.messageID) }
            }
        }
        return MessageList(messages: messages.map(MessageRecord.init))
    }

    func read(_ p: ControlParams.MessageRef) async throws -> MessageRecord {
        let agent = try await registeredAgent(p.agent)
        let message = try await existingMessage(p.messageID)
        return MessageRecord(try await daemon.store.write { store in
            _ = try store.markRead(agent: agent, messageID: message.messageID)
            return try store.message(id: message.messageID, readBy: agent) ?? message
        })
    }

    func edit(_ p: ControlParams.Edit) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let message = try await existingMessage(p.messageID)
        guard message.from == agent else {
            throw RPCError.application("only the author (\(message.from)) can edit \(message.messageID)")
        }
        let text = try InputRules.text(p.text, limit: daemon.config.maxMessageSize)
        let stored = try await write(.messageEdit, MessageEdited(messageID: message.messageID, agent: agent, text: text), agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, messageID: message.messageID)
    }

    func delete(_ p: ControlParams.MessageRef) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let message = try await existingMessage(p.messageID)
        guard message.from == agent else {
            throw RPCError.application("only the author (\(message.from)) can delete \(message.messageID)")
        }
        let stored = try await write(.messageDelete, MessageDeleted(messageID: message.messageID, agent: agent), agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, messageID: message.messageID)
    }

    /// Returns the oldest unread message for the agent (and marks it read), as
    /// soon as there is one: a loop of `thrum wait` sees every message once, in order.
    func wait(_ p: ControlParams.Wait) async throws -> WaitResult {
        let agent = try await registeredAgent(p.agent)
        guard p.timeoutMilliseconds >= 0 else { throw RPCError.invalidParams("timeout_ms must be 0 or more") }
        let deadline = ContinuousClock.now + .milliseconds(min(p.timeoutMilliseconds, 86_400_000))
        while true {
            let seen = daemon.messageArrivals.generation
            let next = try await daemon.store.write { store -> MessageRow? in
                guard let message = try store.oldestUnread(agent: agent) else { return nil }
                _ = try store.markRead(agent: agent, messageID: message.messageID)
                return try store.message(id: message.messageID, readBy: agent) ?? message
            }
            if let next { return WaitResult(message: MessageRecord(next), timedOut: false) }
            let remaining = deadline - .now
            guard remaining > .zero, await daemon.messageArrivals.wait(since: seen, timeout: remaining) else {
                return WaitResult(message: nil, timedOut: true)
            }
        }
    }

    /// The name in a recipient (`@NAME`), once it is a valid name.
    private func recipientName(_ to: String) throws -> String {
        guard to.hasPrefix("@") else {
            throw RPCError.invalidParams("recipient \"\(to.prefix(80))\" must start with @: @AGENT, @GROUP or @everyone")
        }
        return try InputRules.name(String(to.dropFirst()), kind: "recipient")
    }

    /// `@name` when `name` is everyone, an agent or a group.
    private func recipient(_ name: String, in store: EventStore) throws -> String {
        if name == "everyone" { return "@" + name }
        if try store.agent(named: name) != nil { return "@" + name }
        if try store.groups().contains(where: { $0.name == name }) { return "@" + name }
        throw RPCError.notFound("no agent or group named \"\(name)\"; see: thrum agent list, thrum group list")
    }

    private func existingMessage(_ id: String) async throws -> MessageRow {
        let id = try InputRules.identifier(id, prefix: "msg_", kind: "message")
        guard let message = try await reading({ try $0.message(id: id) }), !message.deleted else {
            throw RPCError.notFound("no message \(id); see: thrum inbox")
        }
        return message
    }
}
