import ThrumControlAPI
import ThrumStore

/// Counts of the live claims of every project, for `thrum status` and the gauges.
enum ClaimSummary {
    /// A claim expiring within this many milliseconds counts as expiring.
    static let expiringWithinMS: Int64 = 600_000

    static func counts(in store: EventStore, nowMS: Int64) throws -> ClaimCounts {
        let live = try store.liveClaims(project: nil, nowMS: nowMS).filter { $0.overruledBy == nil }
        let byProject = Dictionary(grouping: live, by: \.project)
        var held = 0, contested = 0
        for claim in live {
            switch ClaimStates.state(of: claim, live: byProject[claim.project] ?? [], nowMS: nowMS).state {
            case .held: held += 1
            case .contested: contested += 1
            default: break
            }
        }
        let expiring = live.filter { $0.expiresMS - nowMS <= expiringWithinMS }.count
        return ClaimCounts(live: live.count, held: held, contested: contested, expiring: expiring)
    }
}
