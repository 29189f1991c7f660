import Logging
import ThrumCore
import ThrumStore

/// Keeps the claim gauges current and tells this daemon's agents, in the log, when one of
/// their claims is lost: contested by another agent's concurrent claim, overruled, or expired
/// while its agent still has a session open. Each is logged once per claim and daemon run, by
/// the daemon of the claim's agent, so both agents of a contested pair are told. Looks after
/// every commit with claim events, and at least every `pause` (claims expire by the clock).
struct ClaimWatch: Sendable {
    let daemon: Daemon

    static let pause: Duration = .seconds(10)

    func run() async {
        let me = daemon.identity.daemonID
        var told = Set<String>()
        while !Task.isCancelled {
            let seen = daemon.changes.claimEvents.generation
            do {
                let now = ControlHandlers.nowMS()
                let known = daemon.hosts
                let (counts, news) = try await daemon.store.read { store in
                    (try ClaimSummary.counts(in: store, nowMS: now), try Self.losses(in: store, of: me, hosts: known, nowMS: now))
                }
                daemon.metrics.claims(counts)
                for (key, line) in news where !told.contains(key) {
                    told.insert(key)
                    daemon.logger.warning("claims: \(line)", metadata: ["component": "claims"])
                }
            } catch {
                daemon.logger.error("claims: cannot check the claims: \(error)", metadata: ["component": "claims"])
            }
            _ = await daemon.changes.claimEvents.wait(since: seen, timeout: Self.pause)
        }
    }

    /// What to tell about this daemon's own claims: (a key that is the same while the news is, the line).
    static func losses(in store: EventStore, of me: String, hosts: [String: String], nowMS: Int64) throws -> [(String, String)] {
        let recentMS = nowMS - 2 * Int64(pause.components.seconds) * 1000 - 1000
        var news: [(String, String)] = []
        let mine = try store.claims(project: nil, agent: nil, endedSinceMS: recentMS, limit: 10_000).filter { $0.origin == me }
        var liveByProject: [String: [ClaimRow]] = [:]
        for project in Set(mine.map(\.project)) { liveByProject[project] = try store.liveClaims(project: project, nowMS: nowMS) }
        for claim in mine {
            let (state, rivals) = ClaimStates.state(of: claim, live: liveByProject[claim.project] ?? [], nowMS: nowMS)
            switch state {
            case .contested:
                for rival in rivals {
                    let host = AgentAddress(parsing: rival.agent).flatMap { hosts[$0.daemonID] }.map { "on \($0), " } ?? ""
                    news.append(("\(claim.claimID) contested \(rival.claimID)",
                                 "\(claim.claimID) of \(claim.agent) is contested with \(rival.agent) (\(host)\(rival.claimID)): "
                                    + "both hold an overlapping path; release one"))
                }
            case .overruled:
                news.append(("\(claim.claimID) overruled", "\(claim.claimID) of \(claim.agent) has no effect: "
                                + "written after its daemon had seen \(claim.overruledBy ?? "a conflicting claim")"))
            case .expired:
                if let session = try store.activeSession(agent: claim.agent) {
                    news.append(("\(claim.claimID) expired", "\(claim.claimID) of \(claim.agent) expired while \(claim.agent) "
                                    + "still has a session open (\(session.sessionID)); renew it with thrum claim renew or make a new one"))
                }
            case .held, .released:
                continue
            }
        }
        return news
    }
}
