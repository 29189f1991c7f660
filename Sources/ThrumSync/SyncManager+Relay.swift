import ThrumCore
import ThrumStore

/// Fan-out (DESIGN §6): events pulled from a peer are announced on only to peers that
/// would not otherwise hear of them.
///
/// The origin of an event announces it to all its peers. A daemon that pulled events from
/// a source S announces them to each of its own peers P unless P is S, an origin of the
/// events, one of S's own peers (S's page lists them; S announces to them, or leaves them
/// to its own source in turn, down to the origin), or a peer whose last notify showed it
/// holds them already. In a full mesh nobody relays; in a line A–B–C, B announces A's
/// events to C; two healed partitions hear through the daemons that link them.
extension SyncManager {
    func relay(_ applied: [StoredEvent], from source: String, peersOfSource: Set<String>?) {
        guard !applied.isEmpty, !isClosed else { return }
        let origins = Set(applied.map(\.event.originDaemon))
        let known = peerVectors.withLock { $0 }
        let targets = peersToContact().filter { peer in
            guard peer.daemonID != source, !origins.contains(peer.daemonID),
                  !(peersOfSource?.contains(peer.daemonID) ?? false) else { return false }
            guard let theirs = known[peer.daemonID] else { return true }
            return applied.contains { !theirs.covers(origin: $0.event.originDaemon, sequence: $0.event.sequence) }
        }
        notifier.localWrite(to: targets.compactMap(pushTarget))
    }

    /// Notes a peer's version vector from its notify.
    func remember(_ vector: VersionVector, of daemonID: String) {
        peerVectors.withLock { $0[daemonID] = vector }
    }

    /// Messages just pulled that are addressed to an agent of this daemon, and claims just
    /// pulled: their origins are sent a notify (debounced, one per burst), whose version vector
    /// shows them held here (`EventStore.notePeerFrontier`): delivered, or toward a claim's
    /// confirmation. At most one notify per pull that brought either, to those origins only.
    func confirmDelivery(of applied: [StoredEvent]) {
        guard !isClosed else { return }
        let mine = "@" + identity.daemonID
        var origins = Set<String>()
        for stored in applied {
            switch stored.event.knownType {
            case .messageCreate?, .threadReply?:
                guard let created = PayloadJSON.decode(MessageCreated.self, from: stored.event.data) else { continue }
                let addressed = (created.recipients ?? []) + [String(created.to.dropFirst())]
                if addressed.contains(where: { $0.hasSuffix(mine) }) { origins.insert(stored.event.originDaemon) }
            case .claimCreate?, .claimRenew?:
                origins.insert(stored.event.originDaemon)
            default:
                continue
            }
        }
        guard !origins.isEmpty else { return }
        notifier.localWrite(to: peersToContact().filter { origins.contains($0.daemonID) }.compactMap(pushTarget))
    }
}
