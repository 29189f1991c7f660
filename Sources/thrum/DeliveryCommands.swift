import ArgumentParser
import ThrumControlAPI

/// `thrum ack`, `thrum sent` and `thrum message status`: delivery states (README "Delivery").
struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Acknowledge a message addressed to the agent; its sender sees it.",
        discussion: "Acknowledging again changes nothing. Only a recipient can acknowledge (exit 1 otherwise).")
    @Argument(help: "The message (msg_…).") var messageID: String
    @Option(help: "A short note for the sender (at most 1 KiB).") var note: String?
    @OptionGroup var agent: AgentOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let done: Acknowledged = try await ControlClient.call(
            .messageAck, ControlParams.Ack(agent: try agent.resolve(), messageID: messageID, note: note))
        if output.json { return try JSONOutput.print(done) }
        let when = done.acknowledgedAt.map { " (\(Ago.since($0)))" } ?? ""
        print(done.already ? "\(done.messageID) was acknowledged already\(when)" : "acknowledged \(done.messageID)")
    }
}

struct SentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sent", abstract: "List what the agent sent, with each recipient's state (sent, read, acknowledged).")
    @Flag(help: "Only messages some recipient has not yet acknowledged (or read, when no acknowledgement was asked).")
    var pending = false
    @Flag(help: "Only messages past their --ack-within deadline and not acknowledged by all.") var overdue = false
    @Option(help: "The newest this many messages (1-1000).") var limit = 100
    @OptionGroup var agent: AgentOption
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let list: MessageStatusList = try await ControlClient.call(
            .messageSent, ControlParams.Sent(agent: try agent.resolve(), pending: pending ? true : nil,
                                             overdue: overdue ? true : nil, limit: limit))
        if output.json { return try JSONOutput.print(list) }
        if list.messages.isEmpty { return print(pending || overdue ? "nothing pending" : "nothing sent") }
        for message in list.messages { DeliveryText.print(message) }
    }
}

extension MessageCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show who a message went to and, for each, whether they read and acknowledged it.")
        @Argument(help: "The message (msg_…).") var messageID: String
        @OptionGroup var agent: AgentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let status: MessageStatusRecord = try await ControlClient.call(
                .messageStatus, ControlParams.MessageRef(agent: try agent.resolve(), messageID: messageID))
            if output.json { return try JSONOutput.print(status) }
            DeliveryText.print(status)
        }
    }
}

enum DeliveryText {
    static func print(_ m: MessageStatusRecord) {
        var marks: [String] = []
        if m.ackRequired { marks.append(m.ackDue.map { "ack by \($0)" } ?? "ack required") }
        if m.overdue { marks.append("OVERDUE") }
        Swift.print("\(m.messageID)  → \(m.to)  \(Ago.since(m.sentAt))\(marks.isEmpty ? "" : "  [\(marks.joined(separator: ", "))]")")
        Swift.print("  \(m.text.split(separator: "\n").first.map(String.init) ?? "")")
        if m.recipients.isEmpty { Swift.print("  (no recipients on record: sent before delivery states, or to nobody)") }
        for r in m.recipients {
            let when = r.acknowledgedAt ?? r.readAt ?? r.deliveredAt
            Swift.print("  \(r.display): \(r.state)\(when.map { " \(Ago.since($0))" } ?? "")\(r.note.map { " — \($0)" } ?? "")")
        }
        for i in m.ignoredReceipts { Swift.print("  ignored: receipt from \(i.display), not a recipient, \(Ago.since(i.at))") }
    }
}
