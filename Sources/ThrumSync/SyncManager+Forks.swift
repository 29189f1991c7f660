import ThrumCore
import ThrumStore

extension SyncManager {
    /// A pull proved forks: each is logged once, here, where it was proved, and every peer is
    /// told at once, so it pulls the proof (`PullResult.proofs`): a fork seen anywhere becomes
    /// known everywhere.
    func forksProved(_ proofs: [ForkProof], by peer: String) async {
        for proof in proofs {
            let whose = proof.origin == identity.daemonID ? "this daemon's own history (\(proof.origin))" : proof.origin
            logger.warning("[quarantine] fork by \(whose) at sequence \(proof.sequence): it signed two events that cannot both be its history; its events from there on count nowhere (seen through \(peer); thrum status lists forks)",
                           metadata: ["peer": "\(peer)", "origin": "\(proof.origin)", "sequence": "\(proof.sequence)"])
        }
        if let forks = try? await store.read({ try $0.forks().count }) { options.metrics.forksKnown(forks) }
        notifier.localWrite(to: peersToContact().compactMap(pushTarget))
    }
}
