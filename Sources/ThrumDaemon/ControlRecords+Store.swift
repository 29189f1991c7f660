import ThrumControlAPI
import ThrumStore

// The store's rows as the control socket sends them: one mapping per record kind, so a
// column can be renamed without touching the protocol.

extension AgentRecord {
    init(_ row: AgentRow, display: AgentDisplay, hosts: [String: String]) {
        self.init(address: row.address, display: display.show(row.address), name: row.name, role: row.role,
                  host: hosts[row.originDaemon], originDaemon: row.originDaemon, registeredAt: row.registeredAt,
                  deregistered: row.deregistered)
    }
}

extension GroupRecord {
    init(_ row: GroupRow) {
        self.init(name: row.name, createdBy: row.createdBy, createdAt: row.createdAt, members: row.members)
    }
}

extension MessageRecord {
    init(_ row: MessageRow, display: AgentDisplay) {
        self.init(messageID: row.messageID, eventID: row.eventID, from: row.from, to: row.to, recipient: row.recipientAgent,
                  fromDisplay: display.show(row.from), toDisplay: display.recipient(to: row.to, agent: row.recipientAgent),
                  text: row.text, threadID: row.threadID, replyTo: row.replyTo, createdAt: row.createdAt,
                  editedAt: row.editedAt, deleted: row.deleted, originDaemon: row.originDaemon, read: row.read)
    }
}

extension QuarantineRecord {
    init(_ entry: QuarantinedEvent) {
        self.init(eventID: entry.eventID, receivedAt: entry.receivedAt, fromDaemon: entry.fromDaemon,
                  reason: entry.reason, stage: entry.stage, eventJSON: entry.eventJSON)
    }
}
