import FoundationEssentials
import Logging
import ThrumCore
import ThrumRPC
import ThrumStore

/// Why a pull from a peer stopped early.
public enum SyncPullError: Error, Sendable, CustomStringConvertible {
    case unreachable(String)
    /// The address answers as another daemon than the one registered there.
    case wrongDaemon(address: String, expected: String, found: String)
    /// The address does not prove it holds the key it claims.
    case keyProof(address: String, expected: String, String)
    case peer(String)
    case store(String)
    /// The peer's answer breaks the protocol (e.g. `next_seq` going backwards).
    case protocolViolation(String)
    /// The peer's registered address does not parse.
    case badAddress(String)
    /// No peer with this daemon ID is registered (any more).
    case unknownPeer(String)
    /// The daemon is shutting down.
    case cancelled

    public var description: String {
        switch self {
        case let .unreachable(reason): return reason
        case let .wrongDaemon(address, expected, found):
            return "\(address) now answers as \(found), not \(expected); re-add the peer with thrum tsync peers add \(address)"
        case let .keyProof(address, expected, reason):
            return "[sync_auth] \(address) failed the key proof, so it is not pulled from as \(expected): it \(reason)"
        case let .peer(reason), let .badAddress(reason): return reason
        case let .unknownPeer(daemonID): return "\(daemonID) is not a known peer; add it with thrum tsync peers add HOST:PORT"
        case let .store(reason): return "cannot write to the event log: \(reason)"
        case let .protocolViolation(reason): return "peer broke the sync protocol: \(reason)"
        case .cancelled: return "stopped: the daemon is shutting down"
        }
    }
}

/// Pulls a peer's log from this daemon's checkpoint for it (DESIGN §6): page
/// after page while `more_available`, each page validated and applied in one
/// store transaction together with the new checkpoint.
public struct SyncClient: Sendable {
    let store: StoreThreads
    /// This daemon's ID: no peer may hand it an event in this name that is not already in its log.
    let localDaemon: String
    let validator: any EventValidator
    let traffic: SyncTraffic
    let proofs = KeyProofCache()
    /// Where each quarantined event is reported (component "quarantine").
    let logger: Logger
    public var pageLimit: Int
    public var timeout: Duration

    public init(store: StoreThreads, localDaemon: String, validator: any EventValidator = PipelineValidator(),
                traffic: SyncTraffic = SyncTraffic(),
                pageLimit: Int = PullParams.maximumLimit, timeout: Duration = .seconds(30),
                logger: Logger = Logger(label: "thrum.sync", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store
        self.localDaemon = localDaemon
        self.logger = logger
        self.validator = validator
        self.traffic = traffic
        self.pageLimit = pageLimit
        self.timeout = timeout
    }

    /// Pulls everything new from the daemon `peerID` at `endpoint`.
    /// `onApplied` gets each page's newly applied events once they are committed, with the
    /// peer's own peers as that page said.
    public func pull(from endpoint: RPCEndpoint, peerID: String,
                     onApplied: @Sendable ([StoredEvent], Set<String>?) -> Void = { _, _ in }) async -> PullOutcome {
        var report = PullOutcome(peer: "\(endpoint)", daemonID: peerID)
        guard !Task.isCancelled else {
            report.error = .cancelled
            return report
        }
        do {
            report.checkpoint = try await store.read { try $0.checkpoint(peer: peerID) }?.lastSeq ?? 0
            traffic.metrics.progressed(from: peerID, checkpoint: report.checkpoint, peerLatest: nil)
        } catch {
            report.error = .store("\(error)")
            return report
        }
        do {
            report = try await LineRPCClient.withConnection(to: endpoint, maxLineBytes: SyncLimits.maxAnswerBytes, connectTimeout: min(timeout, .seconds(5))) { connection in
                var report = report
                do {
                    let last = try await pullPages(connection, endpoint: endpoint, peerID: peerID, report: &report,
                                                   onApplied: onApplied)
                    try await exchangeForks(connection, after: last, peerID: peerID, report: &report, onApplied: onApplied)
                    if let have = last.frontier?.have { report.delivered = try await notePeerFrontier(have, of: peerID) }
                } catch let error as SyncPullError {
                    report.error = error
                } catch let error as RPCClientError {
                    report.error = Self.describe(error)
                } catch is CancellationError {
                    report.error = .cancelled
                }
                return report
            }
        } catch let error as RPCClientError {
            report.error = Self.describe(error)
        } catch is CancellationError {
            report.error = .cancelled
        } catch {
            report.error = .unreachable("cannot reach \(endpoint): \(error)")
        }
        return report
    }

    /// Pulls page after page; returns the last one.
    private func pullPages(_ connection: LineRPCConnection, endpoint: RPCEndpoint, peerID: String,
                           report: inout PullOutcome,
                           onApplied: @Sendable ([StoredEvent], Set<String>?) -> Void) async throws -> PulledPage {
        let timeout = self.timeout
        // A pull starts with the key proof unless the peer proved its key at this address
        // lately, so an address taken over by another node can neither feed events as this
        // peer nor move its checkpoint for long.
        if !proofs.isFresh(peerID, at: "\(endpoint)") {
            let challenge = PeerProof.newChallenge()
            let info = try await honouringRetryAfter(from: peerID) { () async throws(RPCClientError) -> PeerInfo in
                traffic.keyProofSent(to: peerID)
                return try await PeerProof.ask(connection, challenge: challenge, timeout: timeout)
            }
            if let reason = PeerProof.refusal(of: info, challenge: challenge) {
                traffic.metrics.decided(.keyProof, allowed: false)
                throw SyncPullError.keyProof(address: "\(endpoint)", expected: peerID, reason)
            }
            guard info.daemonID == peerID else {
                throw SyncPullError.wrongDaemon(address: "\(endpoint)", expected: peerID, found: info.daemonID)
            }
            proofs.proved(peerID, at: "\(endpoint)")
            traffic.metrics.decided(.keyProof, allowed: true)
        }
        // Pages are pipelined: while one page is applied (serial, on the store), the next one
        // is fetched and its signatures are checked on the other cores.
        var fetched = try await fetchPage(connection, afterSeq: report.checkpoint, peerID: peerID, endpoint: endpoint)
        var verdicts = await ParallelValidation.validate(fetched.page, with: validator)
        while true {
            let (params, page) = (fetched.params, fetched.page)
            report.received += page.events.count
            if let peers = page.peers { report.peersOfPeer = Set(peers) }
            if let frontier = page.frontier { report.peerFrontier = frontier }
            if let latest = page.latestSeq, latest < params.afterSeq, params.afterSeq > 0 {
                // The peer's log is shorter than what we already have from it: it was
                // reset. Start over; what we hold is left out of the pages, nothing is lost.
                // (Only ever from a checkpoint past 0, so no answer can make this loop.)
                report.checkpoint = 0
                fetched = try await fetchPage(connection, afterSeq: 0, peerID: peerID, endpoint: endpoint)
                verdicts = await ParallelValidation.validate(fetched.page, with: validator)
                continue
            }
            guard page.nextSeq >= params.afterSeq else {
                throw SyncPullError.protocolViolation("next_seq \(page.nextSeq) is before after_seq \(params.afterSeq)")
            }
            guard !page.moreAvailable || page.nextSeq > params.afterSeq else {
                throw SyncPullError.protocolViolation("more_available without progress at seq \(page.nextSeq)")
            }
            // Read before the apply takes the store: the next request must not wait for it.
            let held = page.moreAvailable ? try await frontier() : LogFrontier()
            let needsApply = !page.events.isEmpty || page.nextSeq != params.afterSeq
            let pageVerdicts = verdicts
            async let applying = needsApply ? await apply(page, verdicts: pageVerdicts, from: peerID, checkpoint: page.nextSeq) : nil
            let ahead: Result<(PagedRequest, [Result<PreparedEvent, ValidationFailure>])?, any Error>
            do {
                if page.moreAvailable {
                    let next = try await fetchPage(connection, afterSeq: page.nextSeq, have: held, peerID: peerID,
                                                   endpoint: endpoint)
                    ahead = .success((next, await ParallelValidation.validate(next.page, with: validator)))
                } else {
                    ahead = .success(nil)
                }
            } catch {
                ahead = .failure(error)
            }
            // Whatever became of the next page, this one's outcome is counted.
            if let result = try await applying {
                report.applied += result.applied.count
                report.skipped += result.skipped
                report.quarantined += result.quarantined.count
                report.forks += result.forks
                report.checkpoint = page.nextSeq
                if !result.applied.isEmpty { onApplied(result.applied, report.peersOfPeer) }
            }
            traffic.metrics.progressed(from: peerID, checkpoint: report.checkpoint, peerLatest: page.latestSeq)
            guard let next = try ahead.get() else { return page }
            (fetched, verdicts) = next
        }
    }

    /// One `sync.pull` request and the page that answered it.
    typealias PagedRequest = (params: PullParams, page: PulledPage)

    /// Notes what `peer` says it holds (`EventStore.notePeerFrontier`); returns the messages it
    /// shows delivered there for the first time.
    func notePeerFrontier(_ have: VersionVector, of peer: String) async throws(SyncPullError) -> [String] {
        do {
            return try await store.write { try $0.notePeerFrontier(have, of: peer) }
        } catch {
            throw .store("\(error)")
        }
    }

    func frontier() async throws(SyncPullError) -> LogFrontier {
        do {
            return try await store.read { try $0.frontier() }
        } catch {
            throw .store("\(error)")
        }
    }

    /// Asks for the page after `afterSeq`, saying what this daemon already holds, and checks
    /// the page comes from `peerID`.
    private func fetchPage(_ connection: LineRPCConnection, afterSeq: Int64, have: LogFrontier? = nil, peerID: String,
                           endpoint: RPCEndpoint) async throws -> PagedRequest {
        try Task.checkCancellation()
        var held = have
        if held == nil { held = try await frontier() }
        let params = PullParams(afterSeq: afterSeq, limit: pageLimit, frontier: held ?? LogFrontier())
        let timeout = self.timeout
        let page = try await honouringRetryAfter(from: peerID) { () async throws(RPCClientError) -> PulledPage in
            try PulledPage.read(answer: try await connection.answerLine(SyncMethod.pull.rawValue, params, timeout: timeout))
        }
        if let answering = page.daemonID, answering != peerID {
            proofs.forget(peerID)
            throw SyncPullError.wrongDaemon(address: "\(endpoint)", expected: peerID, found: answering)
        }
        traffic.pageReceived(from: peerID, events: page.events.count)
        return (params, page)
    }

    /// Runs one request; when the peer answers 429 (rate limited) or 503
    /// (overloaded) with `retry_after_ms`, waits that long and asks again
    /// instead of hammering it, up to `maxRetryWaits` times in a row.
    func honouringRetryAfter<T>(from peerID: String,
                                        _ request: () async throws(RPCClientError) -> T) async throws -> T {
        var waits = 0
        while true {
            do {
                return try await request()
            } catch {
                guard case let .server(refusal) = error,
                      refusal.code == RPCError.rateLimitedCode || refusal.code == RPCError.overloadedCode,
                      let milliseconds = refusal.retryAfterMilliseconds, waits < Self.maxRetryWaits else { throw error }
                waits += 1
                traffic.retryWaited(for: peerID)
                try await Task.sleep(for: .milliseconds(min(max(milliseconds, 1), Self.longestRetryWaitMilliseconds)))
            }
        }
    }

    /// A peer that keeps refusing after this many waits is reported as failing.
    static let maxRetryWaits = 20
    /// A peer cannot park this daemon's pull for longer than this per wait.
    static let longestRetryWaitMilliseconds = 60_000

    /// Applies the page with `checkpoint` in one transaction, given each event's
    /// validation verdict; refused events go to the quarantine in the same step, so
    /// the checkpoint moves past them.
    func apply(_ page: PulledPage, verdicts: [Result<PreparedEvent, ValidationFailure>],
               from peerID: String, checkpoint: Int64) async throws(SyncPullError) -> BatchApplied {
        var accepted: [PreparedEvent] = []
        var refused: [QuarantinedEvent] = []
        accepted.reserveCapacity(page.events.count)
        let now = Timestamp.now()
        for (index, verdict) in zip(page.events.indices, verdicts) {
            let raw = page.event(index)
            switch verdict {
            case let .success(event):
                accepted.append(event)
            case let .failure(failure):
                refused.append(QuarantinedEvent(eventID: EventValidation.eventID(inRaw: raw), receivedAt: now,
                                                fromDaemon: peerID, reason: failure.reason, stage: failure.stage.rawValue,
                                                eventJSON: String(decoding: raw, as: UTF8.self)))
            }
        }
        let result: BatchApplied
        do {
            let localDaemon = self.localDaemon
            result = try await store.write { [accepted, refused] store in
                try store.applyBatch(prepared: accepted, quarantined: refused, from: peerID, checkpoint: checkpoint,
                                     localDaemon: localDaemon)
            }
        } catch {
            throw .store("\(error)")
        }
        if !result.quarantined.isEmpty { await report(result.quarantined, from: peerID) }
        if result.quarantineDropped > 0 {
            logger.warning("[quarantine] full: dropped the \(result.quarantineDropped) oldest quarantined events (THRUM_QUARANTINE_MAX_EVENTS, THRUM_QUARANTINE_MAX_BYTES)",
                           metadata: ["peer": "\(peerID)"])
        }
        return result
    }

    /// One warning per quarantined event, and one more whenever the peer is
    /// past `alertThreshold` quarantined events within the last hour.
    private func report(_ refused: [QuarantinedEvent], from peerID: String) async {
        for entry in refused {
            traffic.metrics.quarantined(stage: entry.stage)
            let id = entry.eventID.map(SyncManager.displayable) ?? "(no id)"
            logger.warning("[quarantine] event \(id) from \(peerID) quarantined: \(entry.reason)",
                           metadata: ["peer": "\(peerID)", "event_id": "\(id)", "stage": "\(entry.stage)"])
        }
        let since = Timestamp.format(Date().addingTimeInterval(-3600))
        guard let count = try? await store.read({ try $0.quarantinedCount(peer: peerID, since: since) }),
              count > Self.alertThreshold else { return }
        logger.warning("[quarantine] peer \(peerID) has \(count) events quarantined in the last hour (more than \(Self.alertThreshold)); it may be misconfigured or hostile: see thrum quarantine list --peer \(peerID)",
                       metadata: ["peer": "\(peerID)"])
    }

    /// Quarantined events per peer and hour past which a warning is logged.
    static let alertThreshold = 10

    static func describe(_ error: RPCClientError) -> SyncPullError {
        switch error {
        case .unreachable: return .unreachable(error.description)
        case let .server(rpc): return .peer("peer refused: \(rpc.message) (code \(rpc.code))")
        default: return .peer(error.description)
        }
    }
}
