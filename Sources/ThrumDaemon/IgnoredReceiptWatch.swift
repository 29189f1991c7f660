import Logging
import ThrumStore

/// Reports receipts that change nothing because their agent is not a recipient of the message
/// they name (only a peer can bring one: this daemon refuses to write them). The receipt stays
/// in the log without effect, as the rule says; this logs it once per message and agent, as a
/// warning naming the agent and its daemon, and counts it (`thrum_receipts_ignored_total`).
/// Looks when a receipt arrives and when a message arrives (its receipts may have come first).
struct IgnoredReceiptWatch: Sendable {
    let daemon: Daemon

    /// Pairs already reported in this run; forgotten past this many, so a later change may
    /// report one again rather than grow without bound.
    static let remembered = 10_000

    func run() async {
        var reported = Set<String>()
        var cursor = await daemon.changes.changes(after: nil, kinds: nil, timeout: .zero).cursor
        while !Task.isCancelled {
            let batch = await daemon.changes.changes(after: cursor, kinds: ["message", "delivery"], timeout: .seconds(3600))
            cursor = batch.cursor
            let ids = Set(batch.changes.map(\.messageID))
            guard !ids.isEmpty else { continue }
            do {
                let found = try await daemon.store.read { store in
                    try ids.sorted().flatMap { id in try store.ignoredReceipts(of: id).map { (id, $0) } }
                }
                let new = found.filter { !reported.contains("\($0.0) \($0.1.agent)") }
                if reported.count + new.count > Self.remembered { reported.removeAll() }
                for (id, receipt) in new {
                    reported.insert("\(id) \(receipt.agent)")
                    daemon.logger.warning("delivery: ignored a receipt from \(receipt.agent) for \(id): not a recipient of it (written by \(receipt.origin) at \(receipt.at))",
                                          metadata: ["component": "delivery", "message_id": "\(id)", "agent": "\(receipt.agent)"])
                }
                if !new.isEmpty { daemon.metrics.receiptsIgnored(new.count) }
            } catch {
                daemon.logger.error("delivery: cannot look for ignored receipts: \(error)", metadata: ["component": "delivery"])
            }
        }
    }
}
