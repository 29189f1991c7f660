import Logging
import ThrumSync

/// Settles `OwnHistory` from the first sync of a start (`SyncManager.catchUpOwnHistory`). While
/// the log is known to be behind and no peer hands the history back, local writes fail with
/// the reason, and the sync is tried again, at growing intervals, until one does.
struct HistoryRecovery: Sendable {
    let manager: SyncManager
    let history: OwnHistory
    let logger: Logger

    func run() async {
        var meta: Logger.Metadata = ["component": "history"]
        var wait = Self.firstRetry
        while !Task.isCancelled {
            guard case let .learning(behind) = history.state else { return }
            let refusal: String
            switch await manager.catchUpOwnHistory() {
            case let .caughtUp(sequence, retaken, peers):
                meta["peers"] = "\(peers.joined(separator: ","))"
                if retaken > 0 {
                    logger.notice("history: took \(retaken) of this daemon's own events back from its peers; new events go after sequence \(sequence)", metadata: meta)
                } else {
                    logger.info("history: the peers hold nothing of this daemon's past that the log lacks; new events go after sequence \(sequence)", metadata: meta)
                }
                history.settle(.known)
                return
            case .noPeers:
                guard behind != nil else { return history.settle(.known) }
                refusal = "no peer is known to take it back from. Add one (thrum tsync peers add HOST:PORT) and the daemon catches up; "
                    + "if no peer holds this daemon's history, start a new one instead: stop the daemon and run thrum identity rotate"
            case let .noPeerAnswered(errors):
                guard behind != nil else {
                    logger.warning("history: no peer answered the first sync (\(errors.joined(separator: "; "))); new events go after the log's own last one", metadata: meta)
                    return history.settle(.known)
                }
                refusal = "no peer answered (\(errors.joined(separator: "; "))). The daemon keeps trying; "
                    + "if no peer will ever hold this daemon's history, start a new one instead: stop the daemon and run thrum identity rotate"
            case let .behind(peer, theirs, ours):
                refusal = "peer \(peer) holds this daemon's events up to sequence \(theirs), but handed back only up to \(ours); the daemon keeps trying"
            }
            let message = "this daemon writes nothing for now: \(behind ?? "its log may lack some of its own history"); \(refusal)"
            if history.state != .unknown(message) { logger.error("history: \(message)", metadata: meta) }
            history.settle(.unknown(message))
            do {
                try await Task.sleep(for: wait)
            } catch {
                return
            }
            wait = min(wait * 2, Self.longestRetry)
            history.settle(.learning(behind: behind))
        }
    }

    static let firstRetry: Duration = .seconds(5)
    static let longestRetry: Duration = .seconds(300)
}
