import ThrumCore
import ThrumStore

/// What the first sync of a start found out about this daemon's own history (DESIGN §6).
public enum OwnHistoryCatchUp: Sendable, Equatable {
    /// At least one peer answered and handed back what it holds of this daemon's events:
    /// new writes go after `sequence`. `retaken` is how many own events came back.
    case caughtUp(sequence: Int64, retaken: Int64, peers: [String])
    /// No peer is registered.
    case noPeers
    /// Peers are registered, but none answered; each with its error.
    case noPeerAnswered([String])
    /// A peer holds more of this daemon's history than it handed back, even from its start.
    case behind(peer: String, theirs: Int64, ours: Int64)
}

extension SyncManager {
    /// Pulls from every known peer and checks that the log now holds at least as much of this
    /// daemon's own history as any of them: a peer whose frontier shows more was pulled from a
    /// checkpoint past those events, so it is pulled again from its start.
    public func catchUpOwnHistory() async -> OwnHistoryCatchUp {
        let me = identity.daemonID
        let before = (try? await store.read { try $0.lastSequence(of: me) }) ?? 0
        let outcomes = await forceSync()
        guard !outcomes.isEmpty else { return .noPeers }
        let answered = outcomes.filter { $0.error == nil }
        guard !answered.isEmpty else {
            return .noPeerAnswered(outcomes.map { "\($0.daemonID) (\($0.peer)): \($0.error.map { "\($0)" } ?? "")" })
        }
        var sequence = (try? await store.read { try $0.lastSequence(of: me) }) ?? 0
        for outcome in answered {
            guard let theirs = outcome.peerFrontier?.have[me], theirs > sequence,
                  let peer = registry.peer(daemonID: outcome.daemonID) else { continue }
            logger.notice("history: \(outcome.daemonID) holds this daemon's events up to sequence \(theirs), the log only up to \(sequence); pulling its whole log again")
            _ = try? await store.write { try $0.resetCheckpoint(peer: outcome.daemonID) }
            _ = await pull(from: peer)
            sequence = (try? await store.read { try $0.lastSequence(of: me) }) ?? sequence
            if theirs > sequence { return .behind(peer: outcome.daemonID, theirs: theirs, ours: sequence) }
        }
        return .caughtUp(sequence: sequence, retaken: max(0, sequence - before), peers: answered.map(\.daemonID))
    }
}
