import ThrumControlAPI
import ThrumSync

// What the sync manager reports, as the control socket sends it: one mapping per record kind.

extension ControlResults.TailscaleSync {
    init(_ summary: SyncSummary) {
        self.init(enabled: summary.enabled, hostname: summary.hostname, peerCount: summary.peerCount,
                  peers: summary.peers.map(ControlResults.PeerSummary.init), lastSync: summary.lastSync,
                  listening: summary.listening, registryProblem: summary.registryProblem)
    }
}

extension ControlResults.PeerSummary {
    init(_ peer: PeerSyncState) {
        self.init(daemonID: peer.daemonID, hostname: peer.hostname, address: peer.address, lastSync: peer.lastSync,
                  status: peer.status, failures: peer.failures, retryAt: peer.retryAt,
                  retryInMilliseconds: peer.retryInMilliseconds)
    }
}

extension ControlResults.SyncTraffic {
    init(_ counts: SyncTraffic.Counts) {
        self.init(eventsReceived: counts.eventsReceived, pagesReceived: counts.pagesReceived,
                  notifiesSent: counts.notifiesSent, notifiesFailed: counts.notifiesFailed,
                  retryWaits: counts.retryWaits, peerInfosSent: counts.peerInfosSent)
    }
}

extension ControlResults.PeerSyncOutcome {
    init(_ outcome: PullOutcome) {
        self.init(peer: outcome.peer, daemonID: outcome.daemonID, applied: outcome.applied, skipped: outcome.skipped,
                  quarantined: outcome.quarantined, error: outcome.error?.description)
    }
}

extension AddedPeer {
    init(_ peer: PeerRecord) {
        self.init(daemonID: peer.daemonID, hostname: peer.hostname, address: peer.address, fingerprint: peer.fingerprint)
    }
}
