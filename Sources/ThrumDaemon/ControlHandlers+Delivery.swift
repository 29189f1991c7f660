import FoundationEssentials
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

/// A write that, once checked on the writer's thread, has nothing to say (a read or an
/// acknowledgement that is already on record): nothing is written and nothing failed.
struct NothingToWrite: Error {}

/// Delivery states (DESIGN §5, `Delivery`): acknowledgements are written here at once; reads go
/// to the `ReceiptWriter`, which batches them by window.
extension ControlHandlers {
    /// Hands what `agent` read to the `ReceiptWriter`, which reports it in the receipt of its
    /// window. Another daemon's agent read here (a reader may be any agent) gets none: only an
    /// agent's own daemon writes its receipts.
    func reported(reading ids: [String], by agent: String) {
        guard !ids.isEmpty, AgentAddress(parsing: agent)?.daemonID == daemon.identity.daemonID else { return }
        daemon.pendingReads.add(ids, by: agent)
    }

    /// Acknowledges a message for its recipient, the acting agent; an acknowledgement on record
    /// already stands and nothing is written. Only a recipient may acknowledge.
    func acknowledge(_ p: ControlParams.Ack) async throws -> Acknowledged {
        let agent = try await ownedAgent(p.agent)
        let message = try await existingMessage(p.messageID)
        let note = try p.note.map { (text) throws(RPCError) in try InputRules.note(text, limit: Self.maxNoteBytes) }
        let id = message.messageID
        do {
            let stored = try await daemon.write(.messageReceipt, by: "agent \(agent) (\(caller))") { store in
                guard let delivery = try store.delivery(of: id, to: agent) else {
                    throw RPCError.application("\(agent) is not a recipient of \(id) (it went to \(message.to)); "
                        + "only its recipients can acknowledge it")
                }
                guard delivery.acknowledgedAt == nil else { throw NothingToWrite() }
                return MessageReceipt(agent: agent, read: [], acknowledged: [.init(messageID: id, note: note)])
            }
            _ = try await daemon.store.write { try $0.markRead(agent: agent, messageID: id) }
            return Acknowledged(messageID: id, acknowledgedAt: stored.event.timestamp, already: false)
        } catch is NothingToWrite {
            let standing = try await reading { try $0.delivery(of: id, to: agent) }
            return Acknowledged(messageID: id, acknowledgedAt: standing?.acknowledgedAt, already: true)
        }
    }

    /// One message with each recipient's state.
    func messageStatus(_ p: ControlParams.MessageRef) async throws -> MessageStatusRecord {
        _ = try await registeredAgent(p.agent)
        let message = try await existingMessage(p.messageID)
        let directory = self.directory
        let me = daemon.identity.daemonID
        return try await reading { store in
            let display = try directory.display(in: store)
            var status = Self.status(message, try store.deliveries(of: message.messageID), display: display,
                                     held: try store.deliveryObservations(of: message.messageID, localDaemon: me))
            status.ignoredReceipts = try store.ignoredReceipts(of: message.messageID).map {
                IgnoredReceipt(agent: $0.agent, display: display.show($0.agent), at: $0.at)
            }
            return status
        }
    }

    /// What the acting agent sent, with each recipient's state.
    func sent(_ p: ControlParams.Sent) async throws -> MessageStatusList {
        let agent = try await ownedAgent(p.agent)
        let limit = min(max(p.limit ?? 100, 1), 1000)
        let directory = self.directory
        let me = daemon.identity.daemonID
        let all = try await reading { store in
            let display = try directory.display(in: store)
            return try store.sent(by: agent, limit: limit).map {
                Self.status($0.message, $0.deliveries, display: display,
                            held: try store.deliveryObservations(of: $0.message.messageID, localDaemon: me))
            }
        }
        return MessageStatusList(messages: all.filter { (p.pending != true || $0.pending) && (p.overdue != true || $0.overdue) })
    }

    /// `held`: when this daemon saw the message held by each daemon (`deliveryObservations`).
    static func status(_ message: MessageRow, _ deliveries: [DeliveryRow], display: AgentDisplay, held: [String: String],
                       now: Date = Date()) -> MessageStatusRecord {
        let recipients = deliveries.map { row in
            // A receipt shows the recipient's daemon holds it, whether or not its vector was seen.
            let delivered = AgentAddress(parsing: row.recipient).flatMap { held[$0.daemonID] } ?? row.readAt
            let state = row.acknowledgedAt != nil ? "acknowledged" : row.readAt != nil ? "read" : delivered != nil ? "delivered" : "sent"
            return RecipientState(address: row.recipient, display: display.show(row.recipient), state: state,
                                  deliveredAt: delivered, readAt: row.readAt, acknowledgedAt: row.acknowledgedAt, note: row.note)
        }
        let pending = recipients.contains { message.ackRequired ? $0.acknowledgedAt == nil : $0.readAt == nil }
        let due = message.ackRequired ? message.ackWithin.flatMap { within in
            Timestamp.parse(message.createdAt).map { Timestamp.format($0.addingTimeInterval(Double(within))) }
        } : nil
        let overdue = pending && due.flatMap(Timestamp.parse).map { $0 < now } == true
        return MessageStatusRecord(messageID: message.messageID, from: message.from, to: message.to, text: message.text,
                                   sentAt: message.createdAt, ackRequired: message.ackRequired, ackDue: due,
                                   pending: pending, overdue: overdue, recipients: recipients)
    }

    /// The control-API subscription (`ChangeFeed`).
    func changes(_ p: ControlParams.ChangesWait) async throws -> ChangeBatch {
        guard (0...86_400_000).contains(p.timeoutMilliseconds) else {
            throw RPCError.invalidParams("timeout_ms must be between 0 and 86400000 (a day)")
        }
        let known: Set<String> = ["message", "delivery"]
        if let kinds = p.kinds, let unknown = kinds.first(where: { !known.contains($0) }) {
            throw RPCError.invalidParams("unknown change kind \"\(unknown.prefix(40))\"; kinds are message and delivery")
        }
        if let after = p.after, after < 0 { throw RPCError.invalidParams("after must be 0 or more") }
        return await daemon.changes.changes(after: p.after, kinds: p.kinds.map(Set.init),
                                            timeout: .milliseconds(p.timeoutMilliseconds))
    }

    /// An acknowledgement's note, at most this long.
    static let maxNoteBytes = 1024
}
