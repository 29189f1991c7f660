import Logging
import ThrumControlAPI
import ThrumCore
import ThrumRPC

/// Runs each tool against the local daemon's control socket, as the agent.
struct ThrumTools: Sendable {
    let daemon: DaemonClient
    let presence: AgentPresence
    let logger: Logger
    var project: Result<String, MCPServer.ProjectUnknown> = .failure(.init("no project given"))

    var agent: String { presence.agent }

    /// message.wait is asked for at most this long at a time. A wait the client
    /// gave up on (cancelled, or standard input closed) then ends within one
    /// slice instead of holding a daemon-side wait, which would mark the next
    /// message read with nobody left to see it, for the whole timeout.
    static let waitSlice: Duration = .seconds(5)

    static let waitCancelled = ToolFailure("The wait was cancelled before a message arrived (the call was cancelled or the client is closing).")

    func call(_ tool: ThrumTool, _ request: RPCRequest) async -> ToolResult {
        do {
            switch tool {
            case .sendMessage: return try await sendMessage(try arguments(request, tool))
            case .reply: return try await reply(try arguments(request, tool))
            case .checkInbox: return try await checkInbox(try arguments(request, tool))
            case .waitForMessage: return try await waitForMessage(try arguments(request, tool))
            case .listAgents:
                let _: NoArguments = try arguments(request, tool)
                return try await listAgents()
            case .syncStatus:
                let _: NoArguments = try arguments(request, tool)
                return try await syncStatus()
            case .acknowledge: return try await acknowledge(try arguments(request, tool))
            case .messageStatus: return try await messageStatus(try arguments(request, tool))
            case .claim: return try await claim(try arguments(request, tool))
            case .releaseClaim: return try await releaseClaim(try arguments(request, tool))
            case .listClaims: return try await listClaims(try arguments(request, tool))
            case .checkPaths: return try await checkPaths(try arguments(request, tool))
            }
        } catch let failure as ToolFailure {
            return .failure(failure.message)
        } catch let failure as DaemonFailure {
            var text = failure.message
            if failure.isNotFound, tool == .sendMessage { text += " Call list_agents to see who can be messaged." }
            if failure.isNotFound, tool == .reply { text += " Call check_inbox to see your messages and their IDs." }
            return .failure(text)
        } catch {
            logger.error("mcp: \(tool.rawValue) failed: \(error)")
            return .failure("\(tool.rawValue) failed: \(error)")
        }
    }

    private func arguments<A: Decodable>(_ request: RPCRequest, _ tool: ThrumTool) throws(ToolFailure) -> A {
        do {
            return try request.params(ToolCallParams<A>.self).arguments
        } catch {
            let detail = error.message.hasPrefix("invalid params: ") ? String(error.message.dropFirst(16)) : error.message
            throw ToolFailure("Invalid arguments for \(tool.rawValue): \(detail). See the tool's input schema.")
        }
    }

    private func sendMessage(_ args: SendMessageArguments) async throws -> ToolResult {
        let to = args.to.hasPrefix("@") ? args.to : "@" + args.to
        try await presence.ensure()
        let written: ControlResults.Written = try await daemon.call(
            .messageSend, ControlParams.Send(agent: agent, to: to, text: args.text, threadID: args.thread,
                                             ackRequired: args.ackRequired == true ? true : nil))
        let id = written.messageID ?? written.eventID
        return .success("Sent \(id) to \(to).", SentMessage(messageID: id, eventID: written.eventID, to: to, threadID: args.thread))
    }

    private func reply(_ args: ReplyArguments) async throws -> ToolResult {
        try await presence.ensure()
        let written: ControlResults.Written = try await daemon.call(
            .messageReply, ControlParams.Reply(agent: agent, messageID: args.messageID, text: args.text))
        let id = written.messageID ?? written.eventID
        return .success("Replied to \(args.messageID) with \(id).", SentReply(messageID: id, eventID: written.eventID, replyTo: args.messageID))
    }

    private func checkInbox(_ args: CheckInboxArguments) async throws -> ToolResult {
        let limit = args.limit ?? ThrumTool.defaultInboxLimit
        guard ThrumTool.inboxLimits.contains(limit) else {
            throw ToolFailure("limit must be from \(ThrumTool.inboxLimits.lowerBound) to \(ThrumTool.inboxLimits.upperBound), not \(limit).")
        }
        let unreadOnly = args.unreadOnly ?? true
        try await presence.ensure()
        let list: MessageList = try await daemon.call(
            .messageInbox, ControlParams.Inbox(agent: agent, unreadOnly: unreadOnly, limit: limit, markRead: true))
        return .success(ToolText.inbox(list.messages, unreadOnly: unreadOnly), list)
    }

    private func waitForMessage(_ args: WaitArguments) async throws -> ToolResult {
        let seconds = args.timeoutSeconds ?? Double(ThrumTool.defaultWaitSeconds)
        let range = ThrumTool.waitLimits
        guard seconds.isFinite, seconds >= Double(range.lowerBound), seconds <= Double(range.upperBound) else {
            throw ToolFailure("timeout_seconds must be from \(range.lowerBound) to \(range.upperBound), not \(seconds).")
        }
        try await presence.ensure()
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        repeat {
            let slice = min(max(deadline - .now, .zero), Self.waitSlice)
            let milliseconds = Int(slice.components.seconds * 1000 + slice.components.attoseconds / 1_000_000_000_000_000)
            let result = try await waitOnce(milliseconds: milliseconds, timeout: slice + .seconds(10))
            if let message = result.message {
                return .success(ToolText.message(message), WaitOutcome(message: message, timedOut: false))
            }
            if Task.isCancelled { throw Self.waitCancelled }
        } while ContinuousClock.now < deadline
        let shown = seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
        return .success("No message arrived within \(shown) seconds.", WaitOutcome(message: nil, timedOut: true))
    }

    /// One message.wait; a call cut short by cancellation says so rather than blaming the daemon.
    func waitOnce(milliseconds: Int, timeout: Duration) async throws -> WaitResult {
        do {
            return try await daemon.call(.messageWait, ControlParams.Wait(agent: agent, timeoutMilliseconds: milliseconds),
                                         as: WaitResult.self, timeout: timeout)
        } catch {
            throw Task.isCancelled ? Self.waitCancelled : error
        }
    }

    private func listAgents() async throws -> ToolResult {
        let list: AgentList = try await daemon.call(.agentList, NoParams())
        return .success(ToolText.agents(list.agents, me: agent), list)
    }

    private func acknowledge(_ args: AcknowledgeArguments) async throws -> ToolResult {
        try await presence.ensure()
        let done: Acknowledged = try await daemon.call(
            .messageAck, ControlParams.Ack(agent: agent, messageID: args.messageID, note: args.note))
        return .success(done.already ? "\(done.messageID) was acknowledged already." : "Acknowledged \(done.messageID).", done)
    }

    private func messageStatus(_ args: MessageIDArguments) async throws -> ToolResult {
        try await presence.ensure()
        let status: MessageStatusRecord = try await daemon.call(
            .messageStatus, ControlParams.MessageRef(agent: agent, messageID: args.messageID))
        return .success(ToolText.delivery(status), status)
    }

    private func syncStatus() async throws -> ToolResult {
        let status: StatusResult = try await daemon.call(.status, NoParams())
        return .success(ToolText.status(status), status)
    }
}

/// A tool call the agent got wrong; the message says how to get it right.
struct ToolFailure: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}
