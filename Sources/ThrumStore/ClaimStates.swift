/// A claim's state at one moment, from its row and the other live claims of its project: the
/// same on every daemon that holds the same events and reads the same clock.
public enum ClaimState: String, Sendable, Equatable {
    /// Live, and no live claim by another agent conflicts with it.
    case held
    /// Live, and another agent's live claim conflicts with it, written without either daemon
    /// having seen the other: there is no winner; both stay contested until one ends.
    case contested
    /// Written after its daemon had seen a conflicting live claim: it has no effect.
    case overruled
    case released
    case expired
}

public enum ClaimStates {
    /// `claim`'s state at `nowMS`, and the live claims that contest it (empty unless contested).
    /// `live` holds the live claims of its project (`EventStore.liveClaims`).
    public static func state(of claim: ClaimRow, live: [ClaimRow], nowMS: Int64) -> (state: ClaimState, with: [ClaimRow]) {
        if claim.releasedAt != nil { return (.released, []) }
        if nowMS >= claim.expiresMS { return (.expired, []) }
        if claim.overruledBy != nil { return (.overruled, []) }
        let rivals = live.filter { $0.overruledBy == nil && $0.isLive(atMS: nowMS) && $0.conflicts(with: claim) }
        return rivals.isEmpty ? (.held, []) : (.contested, rivals)
    }

    /// The live claims of other agents than `agent` that cover `path`: who holds it, for
    /// `claim check`. Held and contested claims both count; overruled ones have no effect.
    public static func holders(of path: String, besides agent: String, live: [ClaimRow], nowMS: Int64) -> [ClaimRow] {
        live.filter { claim in
            claim.agent != agent && claim.overruledBy == nil && claim.isLive(atMS: nowMS)
                && claim.patterns.contains { $0.covers(path) }
        }
    }
}
