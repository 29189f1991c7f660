import ThrumControlAPI
import ThrumCore

/// The text half of each tool result: what an agent (or a person reading the
/// transcript) needs, without JSON. The structured half carries every field.
enum ToolText {
    static func message(_ m: MessageRecord) -> String {
        var head = "[\(m.messageID)] from \(m.fromDisplay) to \(m.toDisplay) at \(m.createdAt)"
        var notes: [String] = []
        if let reply = m.replyTo { notes.append("in reply to \(reply)") }
        if let thread = m.threadID { notes.append("thread \(thread)") }
        if m.editedAt != nil { notes.append("edited") }
        if !notes.isEmpty { head += " (\(notes.joined(separator: ", ")))" }
        return head + ":\n" + m.text
    }

    static func inbox(_ messages: [MessageRecord], unreadOnly: Bool) -> String {
        let kind = unreadOnly ? "unread message" : "message"
        if messages.isEmpty { return "No \(kind)s." }
        let count = messages.count == 1 ? "1 \(kind)" : "\(messages.count) \(kind)s"
        return "\(count) (now marked read):\n\n" + messages.map(message).joined(separator: "\n\n")
    }

    static func agents(_ agents: [AgentRecord], me: String) -> String {
        let active = agents.filter { !$0.deregistered }
        if active.isEmpty { return "No agents are registered." }
        let lines = active.map { a in
            var line = "- \(a.display)"
            if let role = a.role { line += " (\(role))" }
            if let host = a.host { line += " on \(host)" }
            if a.address == me || (a.name == me && a.display == a.name) { line += " — you" }
            return line
        }
        return "\(active.count) agent\(active.count == 1 ? "" : "s") (message one with send_message to @NAME, or @NAME@HOST when a name is on several hosts):\n" + lines.joined(separator: "\n")
    }

    static func claim(_ c: ClaimRecord) -> String {
        var line = "\(c.claimID) by \(c.display): \(c.state) \(c.patterns.joined(separator: " ")) in \(c.project)"
        if ["held", "contested"].contains(c.state) { line += " until \(c.expiresAt)" }
        if let confirmed = c.confirmed { line += confirmed ? " (confirmed)" : " (not yet confirmed: \(c.confirmation ?? ""))" }
        for rival in c.contestedWith {
            line += ". Contested with \(rival.agent) (\(rival.claimID)): both claimed at once; both hold it until one releases"
        }
        if let by = c.overruledBy { line += ". No effect: written after its daemon had seen \(by)" }
        return line + "."
    }

    static func check(_ r: ClaimCheckResult) -> String {
        guard !r.held.isEmpty else { return "None of the \(r.checked) path(s) is claimed by another agent in \(r.project)." }
        let lines = r.held.map { held in
            "- \(held.path): " + held.holders.map { "\($0.agent) (\($0.claimID), \($0.state), until \($0.expiresAt))" }.joined(separator: "; ")
        }
        return "\(r.held.count) of \(r.checked) path(s) are claimed by another agent in \(r.project):\n" + lines.joined(separator: "\n")
    }

    static func delivery(_ m: MessageStatusRecord) -> String {
        var lines = ["\(m.messageID) to \(m.to), sent \(m.sentAt)\(m.ackRequired ? ", acknowledgement asked" : "")\(m.overdue ? ", OVERDUE" : "")."]
        if m.recipients.isEmpty { lines.append("No recipients on record.") }
        for r in m.recipients {
            let when = r.acknowledgedAt ?? r.readAt ?? r.deliveredAt
            lines.append("- \(r.display): \(r.state)\(when.map { " at \($0)" } ?? "")\(r.note.map { " (\($0))" } ?? "")")
        }
        for i in m.ignoredReceipts { lines.append("- ignored: a receipt from \(i.display), who is not a recipient (\(i.at)).") }
        return lines.joined(separator: "\n")
    }

    static func status(_ s: StatusResult) -> String {
        var lines = [
            "Daemon \(s.daemonID) (thrum \(s.version)) on \(s.hostname), up \(s.uptimeSeconds) s; \(s.eventCount) events, \(s.agentCount) agents.",
        ]
        if let problem = s.storeProblem { lines.append("Store problem: \(problem)") }
        if let history = s.ownHistory, history.state != "known" {
            lines.append("Own history \(history.state): \(history.detail ?? "") (writes \(history.state == "learning" ? "wait" : "fail") until then).")
        }
        for fork in s.forks ?? [] {
            lines.append("Fork: \(fork.ownHistory ? "this daemon's own history" : fork.origin) forked at sequence \(fork.sequence); its events from there on count nowhere.")
        }
        let sync = s.tailscaleSync
        guard sync.enabled else {
            lines.append("Tailscale sync: disabled (this daemon only reaches agents on this machine).")
            return lines.joined(separator: "\n")
        }
        lines.append("Tailscale sync: enabled as \(sync.hostname); \(sync.peerCount) peer\(sync.peerCount == 1 ? "" : "s"); last sync \(sync.lastSync ?? "never").")
        lines.append(sync.listening.map { "Listening on \($0)." } ?? "Not listening for peers (see the daemon's log).")
        if let problem = sync.registryProblem { lines.append("Peer registry problem: \(problem)") }
        for peer in sync.peers {
            lines.append("- \(peer.hostname) (\(peer.daemonID)) at \(peer.address): \(peer.status), last sync \(peer.lastSync ?? "never")")
        }
        return lines.joined(separator: "\n")
    }
}
