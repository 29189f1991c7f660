import Logging
import ThrumCore
import ThrumStore

/// At start: is the log known to hold less of this daemon's own history than its identity has
/// written (DESIGN §6, a lost or restored database)? It is when the published mark says more than
/// the log holds (restored from a backup), or when the log holds none of its own events while
/// the key is not new and no mark says it never wrote (the log was lost or moved aside).
enum HistoryCheck {
    /// Why the log is behind, or nil when nothing says so.
    static func behind(mark: PublishedMark?, daemonID: String, logged: Int64, keyIsNew: Bool) -> String? {
        if let mark, mark.daemonID == daemonID {
            guard mark.sequence > logged else { return nil }
            return "this daemon's log holds its own events up to sequence \(logged), but it wrote up to \(mark.sequence) "
                + "(the log was restored from a backup, or moved aside)"
        }
        guard !keyIsNew, logged == 0 else { return nil }
        return "this daemon's log holds none of its own events, but its identity key is not new: "
            + "its peers may hold events it wrote (the log was lost or moved aside)"
    }

    /// The gate's first state and the mark as it stands after this check. A mark that is
    /// missing or behind the log is brought up to it now; one ahead of it is kept until the
    /// daemon has caught up, so a crash meanwhile still shows the log behind.
    static func atStart(config: ThrumConfig, identity: DaemonIdentity, keyIsNew: Bool, store: EventStore,
                        logger: Logger) throws(StoreError) -> (OwnHistory, PublishedMark) {
        let logged = try store.lastSequence(of: identity.daemonID)
        let found = PublishedMark.read(config.publishedMarkPath)
        let reason = behind(mark: found, daemonID: identity.daemonID, logged: logged, keyIsNew: keyIsNew)
        var mark = PublishedMark(daemonID: identity.daemonID, sequence: logged)
        if reason != nil, let found { mark = found }
        if mark != found, let problem = mark.write(to: config.publishedMarkPath) {
            logger.warning("history: \(problem)", metadata: ["component": "store"])
        }
        let meta: Logger.Metadata = ["component": "history"]
        guard config.tailscaleEnabled else {
            if let reason {
                logger.warning("history: \(reason); sync is off (THRUM_TAILSCALE_ENABLED=false), so nothing can be taken back, and new events go after sequence \(logged)",
                               metadata: meta)
            }
            return (OwnHistory(.known), mark)
        }
        if let reason {
            logger.notice("history: \(reason); local writes wait until the peers have handed it back", metadata: meta)
            return (OwnHistory(.learning(behind: reason)), mark)
        }
        return (OwnHistory(.learning(behind: nil)), mark)
    }
}
