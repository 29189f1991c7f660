import Logging
import ThrumCore

/// Whether each peer answers, as pulls and notifies find out: an unreachable
/// peer backs off (PeerBackoff), and going down and coming back is logged once
/// each. Built before the notifier and the pulls, which report to it.
struct PeerReachability: Sendable {
    let backoff: PeerBackoff
    let registry: PeerRegistry
    /// The manager's logger; each line adds the peer.
    let logger: Logger

    /// The peers periodic passes and push notifies contact: every known peer but
    /// those backing off. `thrum tsync force` still tries all of them.
    func peersToContact() -> [PeerRecord] {
        registry.all().filter { !backoff.isWaiting($0.daemonID) }
    }

    /// A notify's result (PushNotifier). One cut short by shutdown says nothing about the peer,
    /// and an answer says nothing about who answered: it does not end an identity change.
    func notifySent(to target: PushNotifier.Target, error: (any Error)?) {
        guard !(error is CancellationError) else { return }
        if let error {
            failed(target.daemonID, at: "\(target.endpoint)", "cannot notify it: \(error)")
        } else if !answersAsAnotherDaemon(target.daemonID) {
            answered(target.daemonID, at: "\(target.endpoint)")
        }
    }

    /// A pull's result: the peer is reachable, or backs off. A failure of this
    /// daemon's own store is not the peer's fault and only logged.
    func notePull(_ report: PullOutcome, from daemonID: String) {
        // A peer removed while its pull ran is nobody's concern any more.
        guard let address = registry.peer(daemonID: daemonID)?.address else { return }
        switch report.error {
        case nil:
            answered(daemonID, at: address)
        case .cancelled?:
            return
        case let error?:
            if case .store = error {
                logger.aboutPeer(daemonID).warning("sync: pull from \(daemonID) stopped: \(error) (applied=\(report.applied) before that)")
                return
            }
            failed(daemonID, at: address, "\(error)", identityChanged: error.isIdentityChange)
        }
    }

    /// The peer sent us a notify: it is up, whatever our last attempt said.
    func heardFrom(_ daemonID: String) {
        answered(daemonID, at: registry.peer(daemonID: daemonID)?.address ?? daemonID, how: "sent a notify")
    }

    /// True when the last attempt found another daemon, or a failed key proof, at the peer's address.
    func answersAsAnotherDaemon(_ daemonID: String) -> Bool {
        backoff.state(of: daemonID)?.entry.identityChanged == true
    }

    private func failed(_ daemonID: String, at address: String, _ reason: String, identityChanged: Bool = false) {
        let change = backoff.failed(daemonID, identityChanged: identityChanged)
        let logger = self.logger.aboutPeer(daemonID)
        guard let state = backoff.state(of: daemonID) else { return }
        let wait = GoDuration.format(state.remaining)
        if change == .becameUnreachable {
            logger.warning("sync: peer \(daemonID) at \(address) is unreachable: \(reason); backing off (next try in \(wait), waits double up to \(GoDuration.format(backoff.maximum)))")
        } else {
            logger.debug("sync: peer \(daemonID) still unreachable after \(state.entry.failures) attempts, next try in \(wait): \(reason)")
        }
    }

    private func answered(_ daemonID: String, at address: String, how: String = "answered") {
        if case let .cameBack(failures) = backoff.succeeded(daemonID) {
            logger.aboutPeer(daemonID).info("sync: peer \(daemonID) at \(address) is reachable again (\(how) after \(failures) failed attempt\(failures == 1 ? "" : "s"))")
        }
    }
}

extension SyncManager {
    func peersToContact() -> [PeerRecord] { reachability.peersToContact() }
    func answersAsAnotherDaemon(_ daemonID: String) -> Bool { reachability.answersAsAnotherDaemon(daemonID) }
}

extension SyncPullError {
    /// The address answers, but not as the daemon registered there.
    var isIdentityChange: Bool {
        switch self {
        case .wrongDaemon, .keyProof: return true
        default: return false
        }
    }
}
