/// Whether to hold the next commit of local writes back for the writers the last one answered.
///
/// With N clients each waiting for its answer, plain group commit settles into halves:
/// the clients one commit answers come back while the next commit is on the disk, so each
/// commit holds about N/2. Holding a commit until they are back lets it hold all N. That
/// pays when a commit takes several times longer than the clients' way back (a disk whose
/// flush takes milliseconds) and costs throughput when it does not, so it is done only when
/// the measured times say so (like PostgreSQL's `commit_delay`, without a setting to tune).
///
/// Times are nanoseconds on one monotonic clock. `StoreThreads` keeps one, under the lock of
/// its queue of local writes.
struct CommitHold: Sendable {
    /// A commit is held only when the way back takes less than this share of a commit.
    static let returnShareOfCommit = 0.25
    /// How much the newest measurement counts in a running estimate.
    static let newestWeight = 0.2

    /// How long a commit of local writes takes, call to fsync done (running estimate).
    private(set) var commitTime: Double?
    /// How long after a commit's answers the clients it answered have all written again.
    private(set) var returnTime: Double?

    private var answeredAt: UInt64 = 0
    private var answered = 0
    /// Writes still queued when those answers went out: they are in the next commit anyway.
    private var queuedThen = 0
    private var arrivedSince = 0

    /// A local write was queued at `now`.
    mutating func queued(at now: UInt64) {
        guard arrivedSince < answered else { return }
        arrivedSince += 1
        if arrivedSince == answered {
            returnTime = Self.updated(returnTime, with: Double(now &- answeredAt))
        }
    }

    /// A commit of `writes` local writes took `duration` and its callers were answered at
    /// `now`, with `stillQueued` writes waiting for the next one.
    mutating func committed(_ writes: Int, took duration: UInt64, answeredAt now: UInt64, stillQueued: Int) {
        commitTime = Self.updated(commitTime, with: Double(duration))
        answeredAt = now
        answered = writes
        queuedThen = stillQueued
        arrivedSince = 0
    }

    /// How many writes the next commit holds when everyone the last one answered is back.
    var expected: Int { answered + queuedThen }

    /// When to stop waiting for more writes, given `queued` waiting now; nil to commit now.
    func holdUntil(queued: Int, now: UInt64) -> UInt64? {
        guard queued > 0, queued < expected, let commitTime, let returnTime,
              returnTime < Self.returnShareOfCommit * commitTime else { return nil }
        // Twice the usual way back, or a quarter of a commit if longer, so a client held up
        // on a busy machine still makes it; under half a commit either way.
        let deadline = answeredAt &+ UInt64(max(2 * returnTime, Self.returnShareOfCommit * commitTime))
        return now < deadline ? deadline : nil
    }

    private static func updated(_ estimate: Double?, with sample: Double) -> Double {
        estimate.map { $0 + newestWeight * (sample - $0) } ?? sample
    }
}
