import ThrumControlAPI
import ThrumStore

// The store's rows as the control socket sends them: one mapping per record kind, so a
// column can be renamed without touching the protocol.

extension AgentRecord {
    init(_ row: AgentRow) {
        self.init(name: row.name, role: row.role, host: row.host, originDaemon: row.originDaemon,
                  registeredAt: row.registeredAt, deregistered: row.deregistered)
    }
}

extension GroupRecord {
    init(_ row: GroupRow) {
        self.init(name: row.name, createdBy: row.createdBy, createdAt: row.createdAt, members: row.members)
    }
}

extension MessageRecord {
    init(_ row: MessageRow) {
        self.init(messageID: row.messageID, eventID: row.eventID, from: row.from, to: row.to, text: row.text,
                  threadID: row.threadID, replyTo: row.replyTo, createdAt: row.createdAt, editedAt: row.editedAt,
                  deleted: row.deleted, originDaemon: row.originDaemon, read: row.read)
    }
}

extension QuarantineRecord {
    init(_ entry: QuarantinedEvent) {
        self.init(eventID: entry.eventID, receivedAt: entry.receivedAt, fromDaemon: entry.fromDaemon,
                  reason: entry.reason, stage: entry.stage, eventJSON: entry.eventJSON)
    }
}

extension ConflictRecord {
    init(_ conflict: Conflict) {
        self.init(seq: conflict.seq, eventID: conflict.eventID, type: conflict.type, timestamp: conflict.timestamp,
                  originDaemon: conflict.originDaemon, agent: conflict.agent, ownerDaemon: conflict.ownerDaemon,
                  ownerHost: conflict.ownerHost, reason: conflict.reason)
    }
}
