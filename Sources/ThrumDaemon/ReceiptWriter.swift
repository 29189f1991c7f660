import FoundationEssentials
import Logging
import ThrumCore
import ThrumStore

/// Writes the receipts of this daemon's agents' reads (DESIGN §5, `Delivery`). Read calls only
/// mark messages read and hand them to `PendingReads`; the first read after a quiet spell opens
/// a window (THRUM_RECEIPT_WINDOW), and when it closes every agent that read something gets one
/// receipt naming all it read. So a `thrum wait` loop, or many `inbox` pages, write at most one
/// receipt per agent per window, and never more than one per read call.
///
/// Nothing is lost when the daemon stops in between: at a graceful stop what is pending is
/// written before the store closes, and at every start the reads the store marks but no receipt
/// reports (a crash, a kill) are written first.
struct ReceiptWriter: Sendable {
    let daemon: Daemon

    func run() async {
        let window = Duration.milliseconds(Int64(daemon.config.receiptWindow * 1000))
        do {
            let me = daemon.identity.daemonID
            let owed = try await daemon.store.read { try $0.unreportedReads(localDaemon: me) }
            if !owed.isEmpty {
                daemon.logger.info("delivery: reporting reads of \(owed.count) agent(s) that no receipt reports yet",
                                   metadata: ["component": "delivery"])
            }
            await write(owed.sorted { $0.key < $1.key }.map { (agent: $0.key, ids: $0.value) })
        } catch {
            daemon.logger.error("delivery: cannot look for unreported reads: \(error)", metadata: ["component": "delivery"])
        }
        for await _ in daemon.pendingReads.arrivals {
            // Cancelled (the daemon stops): what is pending is written at once, below.
            try? await Task.sleep(for: window)
            await writePending()
            if Task.isCancelled { break }
        }
        await writePending()
    }

    private func writePending() async {
        await write(daemon.pendingReads.take())
    }

    private func write(_ reads: [(agent: String, ids: [String])]) async {
        for (agent, ids) in reads {
            do {
                try await write(reading: ids, by: agent)
            } catch {
                // The read marks stay; the next start reports them.
                daemon.logger.error("delivery: cannot write the receipt of \(ids.count) read(s) by \(agent): \(error)",
                                    metadata: ["component": "delivery", "agent": "\(agent)"])
            }
        }
    }

    /// Writes the receipt of the messages among `ids` that `agent` is a recipient of and has not
    /// yet read by receipt; nothing when there are none. Checked on the writer's thread, so
    /// reading again writes nothing, even concurrently.
    private func write(reading ids: [String], by agent: String) async throws {
        // One event, unless THRUM_SECURITY_MAX_EVENT_SIZE is set so low that the IDs would not
        // fit (a message ID is under 64 bytes in a receipt).
        let perEvent = max(1, (daemon.config.maxEventSize - 2048) / 64)
        for start in stride(from: 0, to: ids.count, by: perEvent) {
            let part = Array(ids[start..<min(ids.count, start + perEvent)])
            do {
                _ = try await daemon.write(.messageReceipt, by: "agent \(agent) (reads)") { store in
                    let unread = try store.unreadDeliveries(to: agent, among: part)
                    guard !unread.isEmpty else { throw NothingToWrite() }
                    return MessageReceipt(agent: agent, read: unread)
                }
            } catch is NothingToWrite {}
        }
    }
}
