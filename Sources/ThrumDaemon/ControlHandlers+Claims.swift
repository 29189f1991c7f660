import FoundationEssentials
import ThrumControlAPI
import ThrumCore
import ThrumRPC
import ThrumStore

/// Claims (DESIGN §5, `Claims`): made, renewed and released by their agent's own daemon, which
/// refuses to write a claim over another agent's live claim it holds (exit 5).
extension ControlHandlers {
    func addClaim(_ p: ControlParams.ClaimAdd) async throws -> ClaimRecord {
        let agent = try await ownedAgent(p.agent)
        let project = try Self.project(p.project)
        let patterns = try Self.patterns(p.patterns)
        let ttl = try Self.ttl(p.ttlSeconds)
        let note = try p.note.map { (text) throws(RPCError) in try InputRules.note(text, limit: ClaimLimits.maxNoteBytes) }
        let shared = p.shared == true
        let me = daemon.identity.daemonID
        let claimID = ScopedID.next(prefix: "clm_", daemonID: me)
        let hosts = self.hosts
        _ = try await daemon.write(.claimCreate, by: "agent \(agent) (\(caller))") { store in
            let seen = try store.claimSeen(project: project, localDaemon: me)
            let blocking = try store.claimBlockers(project: project, agent: agent, patterns: patterns, shared: shared,
                                                   seen: seen, nowMS: Self.nowMS())
            if let first = blocking.first {
                throw RPCError.claimed(Self.refusal(first, more: blocking.count - 1, hosts: hosts))
            }
            return ClaimMade(claimID: claimID, agent: agent, project: project, patterns: patterns.map(\.text), ttl: ttl,
                             note: note, shared: shared ? true : nil, seen: seen)
        }
        return try await record(claimID)
    }

    func renewClaim(_ p: ControlParams.ClaimRenew) async throws -> ClaimRecord {
        let agent = try await ownedAgent(p.agent)
        let claim = try await ownClaim(p.claimID, of: agent)
        let ttl = try Self.ttl(p.ttlSeconds ?? claim.ttl)
        guard claim.releasedAt == nil else { throw RPCError.application("\(claim.claimID) was released; make a new claim") }
        guard Self.nowMS() < claim.expiresMS else {
            throw RPCError.application("\(claim.claimID) has expired; make a new claim (thrum claim add)")
        }
        _ = try await daemon.write(.claimRenew, ClaimRenewed(claimID: claim.claimID, agent: agent, ttl: ttl),
                                   by: "agent \(agent) (\(caller))")
        return try await record(claim.claimID)
    }

    func releaseClaims(_ p: ControlParams.ClaimRelease) async throws -> ClaimsReleased {
        let agent = try await ownedAgent(p.agent)
        var ids: [String]
        if let id = p.claimID {
            guard p.all != true else { throw RPCError.invalidParams("give a claim ID or all, not both") }
            let claim = try await ownClaim(id, of: agent)
            guard claim.releasedAt == nil else { return ClaimsReleased(released: []) }
            ids = [claim.claimID]
        } else {
            guard p.all == true else { throw RPCError.invalidParams("give a claim ID, or all to release every live claim") }
            let project = try p.project.map(Self.project)
            let now = Self.nowMS()
            ids = try await reading { store in
                try store.liveClaims(project: project, nowMS: now).filter { $0.agent == agent }.map(\.claimID)
            }
        }
        var released: [String] = []
        for id in ids {
            do {
                _ = try await daemon.write(.claimRelease, by: "agent \(agent) (\(caller))") { store in
                    // Checked on the writer's thread: releasing twice writes one release.
                    guard try store.claim(id)?.releasedAt == nil else { throw NothingToWrite() }
                    return ClaimReleased(claimID: id, agent: agent)
                }
                released.append(id)
            } catch is NothingToWrite {}
        }
        return ClaimsReleased(released: released)
    }

    func listClaims(_ p: ControlParams.ClaimList) async throws -> ClaimList {
        _ = try await registeredAgent(p.agent)
        let project = try p.project.map(Self.project)
        var named: String?
        if let text = p.of { named = try await registeredAgent(text) }
        let of = named
        let now = Self.nowMS()
        let since = p.ended == true ? now - Int64(ClaimLimits.maxTTL) * 1000 : now
        let rows = try await reading { try $0.claims(project: project, agent: of, endedSinceMS: since, limit: 1000) }
        let covering = try p.path.map { path throws(RPCError) in try Self.checkedPath(path) }
        return ClaimList(claims: try await records(rows.filter { row in covering.map { path in row.patterns.contains { $0.covers(path) } } ?? true }))
    }

    func checkClaims(_ p: ControlParams.ClaimCheck) async throws -> ClaimCheckResult {
        var acting: String?
        if let text = p.agent { acting = try await registeredAgent(text) }
        let agent = acting ?? ""
        let project = try Self.project(p.project)
        guard p.paths.count <= 100_000 else { throw RPCError.invalidParams("at most 100000 paths per check") }
        let paths = try p.paths.map { path throws(RPCError) in try Self.checkedPath(path) }
        let now = Self.nowMS()
        let display = try await reading { [directory] store in try directory.display(in: store) }
        let hosts = self.hosts
        let live = try await reading { try $0.liveClaims(project: project, nowMS: now) }
        var held: [ClaimCheckResult.Held] = []
        for path in paths {
            let holders = ClaimStates.holders(of: path, besides: agent, live: live, nowMS: now)
            guard !holders.isEmpty else { continue }
            held.append(.init(path: path, holders: holders.map {
                Self.holder($0, state: ClaimStates.state(of: $0, live: live, nowMS: now).state.rawValue, display: display, hosts: hosts)
            }))
        }
        return ClaimCheckResult(project: project, checked: paths.count, held: held)
    }

    /// Waits until the claim is confirmed here, or `timeout_ms` passes, or it is no longer held
    /// (contested, released, expired).
    func waitConfirmed(_ p: ControlParams.ClaimWaitConfirmed) async throws -> ClaimWaited {
        let agent = try await ownedAgent(p.agent)
        let claim = try await ownClaim(p.claimID, of: agent)
        guard (0...86_400_000).contains(p.timeoutMilliseconds) else {
            throw RPCError.invalidParams("timeout_ms must be between 0 and 86400000 (a day)")
        }
        let deadline = ContinuousClock.now + .milliseconds(p.timeoutMilliseconds)
        while true {
            let seen = daemon.changes.peerFrontiers.generation
            let current = try await record(claim.claimID)
            if current.confirmed == true || current.state != ClaimState.held.rawValue {
                return ClaimWaited(claim: current, timedOut: false)
            }
            // Peers' last syncs age out of the window too: look again at least every few seconds.
            let left = min(deadline - .now, .seconds(5))
            guard left > .zero else { return ClaimWaited(claim: current, timedOut: true) }
            _ = await daemon.changes.peerFrontiers.wait(since: seen, timeout: left)
        }
    }

    // MARK: Records

    /// One claim with its state now; for this daemon's own live claims, whether it is confirmed.
    func record(_ id: String) async throws -> ClaimRecord {
        let row = try await reading { try $0.claim(id) }
        guard let row else { throw RPCError.notFound("no claim \(id) here") }
        return try await records([row])[0]
    }

    func records(_ rows: [ClaimRow]) async throws -> [ClaimRecord] {
        let now = Self.nowMS()
        let directory = self.directory
        let hosts = self.hosts
        let me = daemon.identity.daemonID
        let projects = Set(rows.map(\.project))
        let (display, live, holdings) = try await reading { store in
            (try directory.display(in: store), try projects.flatMap { try store.liveClaims(project: $0, nowMS: now) },
             try store.peerFrontiers(of: me))
        }
        let confirmation = ClaimConfirmation(peers: daemon.sync?.peerSummaries() ?? [], holdings: holdings,
                                             window: daemon.config.claimConfirmWindow)
        return rows.map { row in
            let (state, rivals) = ClaimStates.state(of: row, live: live, nowMS: now)
            let mine = row.origin == me && state == .held
            let confirmed = mine ? confirmation.check(sequence: row.sequence) : nil
            return ClaimRecord(claimID: row.claimID, agent: row.agent, display: display.show(row.agent),
                               host: AgentAddress(parsing: row.agent).flatMap { hosts[$0.daemonID] }, project: row.project,
                               patterns: row.patterns.map(\.text), shared: row.shared, note: row.note, state: state.rawValue,
                               createdAt: row.createdAt, expiresAt: Self.time(row.expiresMS), renewedAt: row.renewedAt,
                               releasedAt: row.releasedAt,
                               contestedWith: rivals.map { Self.holder($0, state: ClaimState.contested.rawValue, display: display, hosts: hosts) },
                               overruledBy: row.overruledBy, confirmed: confirmed?.confirmed, confirmation: confirmed?.words)
        }
    }

    static func holder(_ row: ClaimRow, state: String, display: AgentDisplay, hosts: [String: String]) -> ClaimHolder {
        ClaimHolder(claimID: row.claimID, agent: row.agent, display: display.show(row.agent),
                    host: AgentAddress(parsing: row.agent).flatMap { hosts[$0.daemonID] }, expiresAt: time(row.expiresMS), state: state)
    }

    /// Why a claim is refused: who holds what, on which host, until when.
    static func refusal(_ claim: ClaimRow, more: Int, hosts: [String: String]) -> String {
        let host = AgentAddress(parsing: claim.agent).flatMap { hosts[$0.daemonID] }.map { " on \($0)" } ?? ""
        let others = more > 0 ? " (and \(more) other claim\(more == 1 ? "" : "s"))" : ""
        return "\(claim.agent)\(host) holds \(claim.patterns.map(\.text).joined(separator: ", ")) in \(claim.project) "
            + "until \(time(claim.expiresMS)) (\(claim.claimID))\(others); wait for it to be released or expire, "
            + "or ask its agent"
    }

    // MARK: Input

    private func ownClaim(_ id: String, of agent: String) async throws -> ClaimRow {
        let id = try InputRules.identifier(id, prefix: "clm_", kind: "claim")
        guard let claim = try await reading({ try $0.claim(id) }) else {
            throw RPCError.notFound("no claim \(id) here (thrum claim list shows the claims)")
        }
        guard claim.agent == agent else {
            throw RPCError.application("\(id) is \(claim.agent)'s claim; only its agent can renew or release it")
        }
        return claim
    }

    static func project(_ text: String) throws(RPCError) -> String {
        guard !text.isEmpty, text.utf8.count <= ClaimLimits.maxProjectBytes,
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw RPCError.invalidParams("a project is 1 to \(ClaimLimits.maxProjectBytes) bytes without control characters")
        }
        return text
    }

    static func patterns(_ texts: [String]) throws(RPCError) -> [ClaimPattern] {
        guard (1...ClaimLimits.maxPatterns).contains(texts.count) else {
            throw RPCError.invalidParams("give 1 to \(ClaimLimits.maxPatterns) patterns (got \(texts.count))")
        }
        var patterns: [ClaimPattern] = []
        for text in texts {
            do {
                let pattern = try ClaimPattern(parsing: text)
                if !patterns.contains(pattern) { patterns.append(pattern) }
            } catch {
                throw RPCError.invalidParams("pattern \"\(text.prefix(80))\": \(error)")
            }
        }
        return patterns
    }

    static func ttl(_ seconds: Int?) throws(RPCError) -> Int {
        let ttl = seconds ?? ClaimLimits.defaultTTL
        if let problem = ClaimMade.ttlProblem(ttl) { throw RPCError.invalidParams(problem) }
        return ttl
    }

    static func checkedPath(_ path: String) throws(RPCError) -> String {
        guard !path.isEmpty, path.utf8.count <= 4096, !path.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw RPCError.invalidParams("a path to check is 1 to 4096 bytes")
        }
        return path
    }

    /// Now in whole milliseconds, rounded down: a claim event written after this instant has a
    /// timestamp at or after it, so a claim seen expired here is expired at the event's time too.
    static func nowMS() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    static func time(_ ms: Int64) -> String { Timestamp.format(Date(timeIntervalSince1970: Double(ms) / 1000)) }
}
