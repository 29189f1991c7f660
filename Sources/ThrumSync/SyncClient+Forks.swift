import Logging
import ThrumCore
import ThrumRPC
import ThrumStore

/// How a fork comes to light between two daemons (DESIGN §6). A pulled event that contradicts
/// the log is caught when it is applied (`EventStore.applyBatch`). Beyond that, after its pages a
/// pull takes the fork proofs the peer sent, and compares the peer's heads with this log: where
/// the peer names a head this log holds another event for, the peer holds another branch, so
/// that origin's events are fetched from it (`sync.origin_events`) and applied, which proves the
/// fork. While the proven point is the first sequence fetched, the span below is fetched too, so
/// the proof ends at the earliest point where the two branches part.
extension SyncClient {
    func exchangeForks(_ connection: LineRPCConnection, after page: PulledPage, peerID: String, report: inout PullOutcome,
                       onApplied: @Sendable ([StoredEvent], Set<String>?) -> Void) async throws {
        // One proof per forked origin is all an honest peer sends; more are not worth checking.
        for proof in page.proofs.prefix(Self.maxProofsPerPull) {
            if let problem = proof.problem {
                logger.warning("[quarantine] \(peerID) relayed a fork proof for \(SyncManager.displayable(proof.origin)) that proves nothing: \(problem)",
                               metadata: ["peer": "\(peerID)"])
                continue
            }
            do {
                if try await store.write({ try $0.recordFork(proof, from: peerID) }) { report.forks.append(proof) }
            } catch {
                throw SyncPullError.store("\(error)")
            }
        }
        guard let theirs = page.frontier else { return }
        let contradicted: [(origin: String, sequence: Int64)]
        do {
            contradicted = try await store.read { try $0.contradictedHeads(theirs) }
        } catch {
            throw SyncPullError.store("\(error)")
        }
        // An honest peer contradicts a head only where a daemon forked; a peer that names thousands
        // of false heads gets one fetch for each of the first few, per pull.
        for (origin, sequence) in contradicted.prefix(Self.maxBranchesPerPull) {
            try await fetchBranch(connection, origin: origin, through: sequence, peerID: peerID, report: &report,
                                  onApplied: onApplied)
        }
    }

    /// Fetches and applies `origin`'s events up to `through` from the peer, a span at a time,
    /// going lower while the proven fork point is the first sequence fetched.
    private func fetchBranch(_ connection: LineRPCConnection, origin: String, through: Int64, peerID: String,
                             report: inout PullOutcome, onApplied: @Sendable ([StoredEvent], Set<String>?) -> Void) async throws {
        var through = through
        for _ in 0..<Self.maxBranchSpans {
            let from = max(1, through - OriginEventsParams.maximumSpan + 1)
            var next = from
            while next <= through {
                try Task.checkCancellation()
                let params = OriginEventsParams(origin: origin, from: next, through: through)
                let timeout = self.timeout
                let page = try await honouringRetryAfter(from: peerID) { () async throws(RPCClientError) -> PulledPage in
                    try PulledPage.read(answer: try await connection.answerLine(SyncMethod.originEvents.rawValue, params,
                                                                                timeout: timeout),
                                        method: .originEvents)
                }
                traffic.pageReceived(from: peerID, events: page.events.count)
                report.received += page.events.count
                let verdicts = await ParallelValidation.validate(page, with: validator)
                let result = try await apply(page, verdicts: verdicts, from: peerID, checkpoint: report.checkpoint)
                report.applied += result.applied.count
                report.skipped += result.skipped
                report.quarantined += result.quarantined.count
                report.forks += result.forks
                if !result.applied.isEmpty { onApplied(result.applied, report.peersOfPeer) }
                guard page.moreAvailable, page.nextSeq >= next, page.nextSeq < through else { break }
                next = page.nextSeq + 1
            }
            let point: Int64?
            do {
                point = try await store.read { try $0.forkPoint(of: origin) }
            } catch {
                throw SyncPullError.store("\(error)")
            }
            guard let point, point <= from, from > 1 else { return }
            through = from - 1
        }
    }

    /// Spans of `OriginEventsParams.maximumSpan` one fetch walks down at most: a fork up to
    /// 64,000 events deep is traced to its point in one pull; a deeper one in the next.
    static let maxBranchSpans = 64
    /// Origins whose branch one pull fetches, and relayed proofs one pull checks, at most.
    static let maxBranchesPerPull = 16
    static let maxProofsPerPull = 64
}
