import ArgumentParser
import ThrumControlAPI
import ThrumCore
import ThrumSystem
#if canImport(Glibc)
import Glibc
#endif

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "send", abstract: "Send a message to an agent, a group or everyone.")
    @Option(help: "@AGENT (or AGENT@HOST, AGENT@d_… when a name is on several daemons), @GROUP or @everyone.") var to: String
    @Option(help: "Thread to post in.") var thread: String?
    @Flag(help: "Ask each recipient to acknowledge it (thrum ack); thrum sent and thrum message status show who did.")
    var ackRequired = false
    @Option(help: "With --ack-required: acknowledgements are overdue after this long, e.g. 30m, 4h.") var ackWithin: String?
    @Argument(help: "The message text, or - to read it from standard input.") var text: String
    @OptionGroup var agent: AgentOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard let ackWithin else { return }
        guard ackRequired else { throw ValidationError("--ack-within needs --ack-required") }
        guard let seconds = DurationText.parse(ackWithin), seconds >= 1 else {
            throw ValidationError("--ack-within \"\(ackWithin)\" is not a duration of a second or more, such as 30m or 4h")
        }
    }

    func run() async throws {
        let body = text == "-" ? StandardInput.readAll() : text
        let within = ackWithin.flatMap(DurationText.parse).map { Int64($0.rounded(.up)) }
        let written: ControlResults.Written = try await ControlClient.call(
            .messageSend, ControlParams.Send(agent: try agent.resolve(), to: to, text: body, threadID: thread,
                                             ackRequired: ackRequired ? true : nil, ackWithinSeconds: within))
        if output.json { return try JSONOutput.print(written) }
        print(written.messageID ?? written.eventID)
    }
}

struct ReplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reply", abstract: "Reply to a message, in its thread.")
    @Argument(help: "The message to reply to (msg_…).") var messageID: String
    @Argument(help: "The reply text, or - to read it from standard input.") var text: String
    @OptionGroup var agent: AgentOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let body = text == "-" ? StandardInput.readAll() : text
        let written: ControlResults.Written = try await ControlClient.call(
            .messageReply, ControlParams.Reply(agent: try agent.resolve(), messageID: messageID, text: body))
        if output.json { return try JSONOutput.print(written) }
        print(written.messageID ?? written.eventID)
    }
}

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inbox", abstract: "Show messages for the agent, oldest first.")
    @Flag(help: "Only messages not yet read.") var unread = false
    @Flag(help: "Mark the messages shown read; their senders see it (one receipt for the whole call).") var markRead = false
    @Option(help: "At most this many messages (1-1000).") var limit = 100
    @OptionGroup var agent: AgentOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let list: MessageList = try await ControlClient.call(
            .messageInbox, ControlParams.Inbox(agent: try agent.resolve(), unreadOnly: unread, limit: limit,
                                               markRead: markRead ? true : nil))
        if output.json { return try JSONOutput.print(list) }
        if list.messages.isEmpty { return print(unread ? "no unread messages" : "no messages") }
        for message in list.messages { MessageText.print(message) }
    }
}

struct MessageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message", abstract: "Read, edit or delete one message, or see who read and acknowledged it.",
        subcommands: [Read.self, Edit.self, Delete.self, Status.self])

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a message and mark it read.")
        @Argument(help: "The message (msg_…).") var messageID: String
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let message: MessageRecord = try await ControlClient.call(.messageRead, ControlParams.MessageRef(agent: try agent.resolve(), messageID: messageID))
            if output.json { return try JSONOutput.print(message) }
            MessageText.print(message)
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change the text of a message you sent.")
        @Argument(help: "The message (msg_…).") var messageID: String
        @Argument(help: "The new text, or - for standard input.") var text: String
        @OptionGroup var agent: AgentOption

        func run() async throws {
            let body = text == "-" ? StandardInput.readAll() : text
            let _: ControlResults.Written = try await ControlClient.call(.messageEdit, ControlParams.Edit(agent: try agent.resolve(), messageID: messageID, text: body))
            print("edited \(messageID)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a message you sent.")
        @Argument(help: "The message (msg_…).") var messageID: String
        @OptionGroup var agent: AgentOption

        func run() async throws {
            let _: ControlResults.Written = try await ControlClient.call(.messageDelete, ControlParams.MessageRef(agent: try agent.resolve(), messageID: messageID))
            print("deleted \(messageID)")
        }
    }
}

struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for the next unread message and print it (marked read), or until a message is acknowledged.",
        discussion: """
            Returns at once if an unread message is waiting. With --for-ack ID, waits until every recipient of that
            message has acknowledged it. Exit 0 when it came; exit 4 on timeout.
            """)
    @Option(help: "How long to wait, e.g. 30s, 5m, 1h.") var timeout = "5m"
    @Option(name: .customLong("for-ack"), help: "Wait until every recipient has acknowledged this message (msg_…) instead.")
    var forAck: String?
    @OptionGroup var agent: AgentOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        guard let seconds = DurationText.parse(timeout) else {
            throw ValidationError("--timeout \"\(timeout)\" is not a duration such as 30s, 5m or 1h")
        }
        if let forAck { return try await waitForAcknowledgements(of: forAck, seconds: seconds) }
        let milliseconds = Int(seconds * 1000)
        let result: WaitResult = try await ControlClient.call(
            .messageWait, ControlParams.Wait(agent: try agent.resolve(), timeoutMilliseconds: milliseconds),
            timeout: .milliseconds(milliseconds) + .seconds(10))
        guard let message = result.message else {
            if output.json { try JSONOutput.print(result) } else { FileOutput.standardError("thrum: no message within \(timeout)") }
            throw Exit.timeout
        }
        if output.json { return try JSONOutput.print(result) }
        MessageText.print(message)
    }

    /// Re-reads the message's status whenever the subscription (`changes.wait`) reports a
    /// delivery change, until every recipient acknowledged it or the time is up.
    private func waitForAcknowledgements(of id: String, seconds: Double) async throws {
        let acting = try agent.resolve()
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var cursor = (try await ControlClient.call(.changesWait, ControlParams.ChangesWait(after: nil, kinds: nil, timeoutMilliseconds: 0),
                                                   as: ChangeBatch.self)).cursor
        while true {
            let status: MessageStatusRecord = try await ControlClient.call(
                .messageStatus, ControlParams.MessageRef(agent: acting, messageID: id))
            guard !status.recipients.isEmpty else {
                throw fail("\(status.messageID) has no recipients on record (sent before delivery states, or to nobody): nothing to wait for",
                           Exit.failure)
            }
            if status.recipients.allSatisfy({ $0.acknowledgedAt != nil }) {
                if output.json { return try JSONOutput.print(status) }
                return DeliveryText.print(status)
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                if output.json { try JSONOutput.print(status) }
                let missing = status.recipients.filter { $0.acknowledgedAt == nil }.map(\.display)
                FileOutput.standardError("thrum: not acknowledged within \(timeout) by \(missing.joined(separator: ", "))")
                throw Exit.timeout
            }
            let milliseconds = Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            let batch: ChangeBatch = try await ControlClient.call(
                .changesWait, ControlParams.ChangesWait(after: cursor, kinds: ["delivery"], timeoutMilliseconds: max(0, milliseconds)),
                timeout: left + .seconds(10))
            cursor = batch.cursor
        }
    }
}

enum MessageText {
    static func print(_ m: MessageRecord) {
        let marks = [m.read == false ? "unread" : nil, m.editedAt != nil ? "edited" : nil].compactMap { $0 }
        Swift.print("\(m.messageID)  \(m.fromDisplay) → \(m.toDisplay)  \(Ago.since(m.createdAt))\(marks.isEmpty ? "" : "  [\(marks.joined(separator: ", "))]")")
        if let reply = m.replyTo { Swift.print("  in reply to \(reply)") }
        for line in m.text.split(separator: "\n", omittingEmptySubsequences: false) { Swift.print("  \(line)") }
    }
}

enum StandardInput {
    static func readAll() -> String {
        guard case let .bytes(bytes) = FileDescriptorIO.readAll(0) else { return "" }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
