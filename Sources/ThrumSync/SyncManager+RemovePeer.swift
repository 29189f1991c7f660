import Logging
import ThrumCore

extension SyncManager {
    /// Forgets the peer whose daemon ID or sync address is `text` (a bare host
    /// means the configured sync port): it is no longer pulled from or notified.
    /// A pull from it already running ends on its own and changes nothing.
    public func removePeer(_ text: String) throws(SyncManagerError) -> [PeerRecord] {
        let wanted = text.trimmingWhitespace
        let address = (try? PeerAddress(parsing: wanted, defaultPort: config.tailscalePort))?.description
        let removed = try drop { $0.daemonID == wanted || $0.address == address }
        guard !removed.isEmpty else {
            throw .notFound("no known peer has the daemon ID or address \"\(Self.displayable(wanted))\"; "
                + "thrum tsync peers list shows the known ones")
        }
        for peer in removed {
            let comesBack = peer.source == .discovered
                ? "; discovery adds it again while it is online in the tailnet with a required tag" : ""
            logger.aboutPeer(peer.daemonID).notice("sync: peer \(peer.daemonID) (\(peer.hostname)) at \(peer.address) removed by thrum tsync peers remove\(comesBack)")
        }
        return removed
    }

    /// Takes the peers `matches` picks out of the registry and forgets their backoff.
    @discardableResult
    func drop(where matches: (PeerRecord) -> Bool) throws(SyncManagerError) -> [PeerRecord] {
        let removed: [PeerRecord]
        do {
            removed = try registry.remove(where: matches)
        } catch {
            throw .registry("\(error)")
        }
        for peer in removed { backoff.forget(peer.daemonID) }
        return removed
    }
}
