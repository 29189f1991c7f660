import FoundationEssentials
import ThrumControlAPI
import ThrumCore

/// Whether this daemon's own claim is confirmed (DESIGN §6, "what peers hold"): every peer that
/// synced within the window (THRUM_CLAIM_CONFIRM_WINDOW) last advertised a frontier covering the
/// claim's event. This daemon's observation, never a shared state: a peer that has not synced
/// for longer than the window no longer counts, so a claim made during a long partition is
/// confirmed by the peers on its side only, and the words say how many were asked.
struct ClaimConfirmation {
    let peers: [ControlResults.PeerSummary]
    /// Each peer's last advertised frontier for this daemon's own origin.
    let holdings: [String: Int64]
    /// Seconds.
    let window: Double

    func check(sequence: Int64, now: Date = Date()) -> (confirmed: Bool, words: String) {
        let recent = peers.filter { peer in
            peer.lastSync.flatMap(Timestamp.parse).map { now.timeIntervalSince($0) <= window } == true
        }
        let span = Timestamp.age(seconds: Int(window))
        guard !recent.isEmpty else {
            return (true, peers.isEmpty ? "no peers to hold it (this daemon's observation)"
                : "no peer synced in the last \(span), so none was asked (this daemon's observation)")
        }
        let holding = recent.filter { (holdings[$0.daemonID] ?? 0) >= sequence }
        return (holding.count == recent.count,
                "\(holding.count) of \(recent.count) peer\(recent.count == 1 ? "" : "s") synced in the last \(span) hold it "
                    + "(this daemon's observation)")
    }
}
