import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

extension ControlHandlers {
    /// The recipient is resolved here, at the sender, and the event carries its full address,
    /// so every daemon reads the same recipient whatever agents it learns of later. Both are
    /// resolved on the store's writer thread, just before the write (one trip to the store).
    func send(_ p: ControlParams.Send) async throws -> ControlResults.Written {
        let text = try InputRules.text(p.text, limit: daemon.config.maxMessageSize)
        if let thread = p.threadID { _ = try InputRules.identifier(thread, prefix: "", kind: "thread") }
        if let within = p.ackWithinSeconds {
            guard p.ackRequired == true else { throw RPCError.invalidParams("ack_within_seconds needs ack_required") }
            guard (1...Self.longestAckWithin).contains(within) else {
                throw RPCError.invalidParams("ack_within_seconds must be between 1 and \(Self.longestAckWithin) (a year)")
            }
        }
        let directory = self.directory
        let messageID = ScopedID.next(prefix: "msg_", daemonID: daemon.identity.daemonID)
        let stored = try await daemon.write(.messageCreate, by: "agent \(p.agent) (\(caller))") { store in
            let sender = try directory.local(p.agent, in: store).address
            let recipient = try directory.recipient(p.to, in: store)
            return MessageCreated(messageID: messageID, from: sender, to: recipient.wire, text: text, threadID: p.threadID,
                                  replyTo: nil, recipients: try recipient.addresses(besides: sender, in: store),
                                  ackRequired: p.ackRequired == true ? true : nil, ackWithin: p.ackWithinSeconds)
        }
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, messageID: messageID)
    }

    /// A reply goes back to the sender of the message (or to its group or
    /// @everyone when it was sent there), in the same thread.
    func reply(_ p: ControlParams.Reply) async throws -> ControlResults.Written {
        let agent = try await ownedAgent(p.agent)
        let parent = try await existingMessage(p.messageID)
        let text = try InputRules.text(p.text, limit: daemon.config.maxMessageSize)
        let to = parent.recipientAgent == agent ? "@" + parent.from : parent.recipientAgent.map { "@" + $0 } ?? parent.to
        let messageID = ScopedID.next(prefix: "msg_", daemonID: daemon.identity.daemonID)
        let payload = MessageCreated(messageID: messageID, from: agent, to: to, text: text,
                                     threadID: parent.threadID ?? parent.messageID, replyTo: parent.messageID)
        let stored = try await write(.threadReply, payload, agent: agent)
        return ControlResults.Written(eventID: stored.event.eventID, seq: stored.seq, messageID: messageID)
    }

    func inbox(_ p: ControlParams.Inbox) async throws -> MessageList {
        let agent = try await registeredAgent(p.agent)
        let limit = min(max(p.limit ?? 100, 1), 1000)
        let unreadOnly = p.unreadOnly ?? false
        let directory = self.directory
        let (messages, shown) = try await reading { store in
            (try store.inbox(agent: agent, unreadOnly: unreadOnly, limit: limit), try directory.display(in: store))
        }
        if p.markRead == true {
            try await daemon.store.write { store in
                for message in messages { _ = try store.markRead(agent: agent, messageID: message.messageID) }
            }
            reported(reading: messages.map(\.messageID), by: agent)
        }
        return MessageList(messages: messages.map { MessageRecord($0, display: shown) })
    }

    func read(_ p: ControlParams.MessageRef) async throws -> MessageRecord {
        let agent = try await registeredAgent(p.agent)
        let message = try await existingMessage(p.messageID)
        let directory = self.directory
        let record = try await daemon.store.write { store in
            _ = try store.markRead(agent: agent, messageID: message.messageID)
            return MessageRecord(try store.message(id: message.messageID, readBy: agent) ?? message,
                                 display: try directory.display(in: store))
        }
        reported(reading: [message.messageID], by: agent)
        return record
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
        let directory = self.directory
        while true {
            let seen = daemon.messageArrivals.generation
            let next = try await daemon.store.write { store -> MessageRecord? in
                guard let message = try store.oldestUnread(agent: agent) else { return nil }
                _ = try store.markRead(agent: agent, messageID: message.messageID)
                return MessageRecord(try store.message(id: message.messageID, readBy: agent) ?? message,
                                     display: try directory.display(in: store))
            }
            if let next {
                reported(reading: [next.messageID], by: agent)
                return WaitResult(message: next, timedOut: false)
            }
            let remaining = deadline - .now
            guard remaining > .zero, await daemon.messageArrivals.wait(since: seen, timeout: remaining) else {
                return WaitResult(message: nil, timedOut: true)
            }
        }
    }

    /// `--ack-within` at most a year.
    static let longestAckWithin: Int64 = 366 * 86_400

    /// The message by its ID; a legacy ID without its daemon (`msg_X` for `msg_X-d_…`) finds it
    /// when only one daemon has a message by that legacy ID.
    func existingMessage(_ id: String) async throws -> MessageRow {
        let id = try InputRules.identifier(id, prefix: "msg_", kind: "message")
        let found = try await reading { store -> MessageRow? in
            if let exact = try store.message(id: id) { return exact }
            guard ScopedID.origin(of: id) == nil else { return nil }
            let scoped = try store.messageIDs(legacyID: id)
            guard scoped.count <= 1 else {
                throw RPCError.ambiguous("\(id) names \(scoped.count) messages: \(scoped.joined(separator: ", ")); give the full ID")
            }
            return try scoped.first.flatMap { try store.message(id: $0) }
        }
        guard let message = found, !message.deleted else { throw RPCError.notFound("no message \(id); see: thrum inbox") }
        return message
    }
}
