import FoundationEssentials
import Logging
import Metrics
import ThrumStore

/// Acknowledgements past their deadline (`thrum send --ack-within`), for messages this daemon's
/// agents sent: each is logged once, with the message, its sender and the recipient, and the
/// gauge `thrum_acknowledgements_overdue` counts those overdue now. Checks again at the next
/// deadline, when a new message is written or arrives (it may bring a deadline), or after
/// `longestPause` at most.
struct OverdueWatch: Sendable {
    let daemon: Daemon

    static let longestPause: Duration = .seconds(60)

    func run() async {
        let origin = daemon.identity.daemonID
        var cursor = await daemon.changes.changes(after: nil, kinds: nil, timeout: .zero).cursor
        while !Task.isCancelled {
            var pause = Self.longestPause
            do {
                let (overdue, nextDue) = try await daemon.store.write { try $0.overdueAcknowledgements(origin: origin) }
                daemon.metrics.acknowledgementsOverdue(overdue.count)
                for entry in overdue where entry.new {
                    daemon.logger.warning("delivery: acknowledgement overdue: \(entry.messageID) from \(entry.from) to \(entry.recipient) was due \(entry.due)",
                                          metadata: ["component": "delivery", "message_id": "\(entry.messageID)",
                                                     "recipient": "\(entry.recipient)"])
                }
                if let nextDue {
                    let seconds = max(0.2, nextDue.timeIntervalSinceNow + 0.05)
                    pause = min(pause, .milliseconds(Int64(seconds * 1000)))
                }
            } catch {
                daemon.logger.error("delivery: cannot read overdue acknowledgements: \(error)", metadata: ["component": "delivery"])
            }
            cursor = await daemon.changes.changes(after: cursor, kinds: ["message"], timeout: pause).cursor
        }
    }
}
