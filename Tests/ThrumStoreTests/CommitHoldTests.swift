import FoundationEssentials
import Testing
import ThrumTestSupport
@testable import ThrumStore

/// When a commit of local writes waits for the clients the last one answered (`CommitHold`).
@Suite("Commit hold")
struct CommitHoldTests {
    static let microsecond: UInt64 = 1_000

    /// Commits of `writes` taking `commit`, each followed by the answered clients coming back
    /// after `way`, with `others` more writes queued all along; returns when the last one was answered.
    static func settle(_ hold: inout CommitHold, writes: Int, others: Int, commit: UInt64, way: UInt64) -> UInt64 {
        var now: UInt64 = 1_000_000
        for _ in 0..<5 {
            now += commit
            hold.committed(writes, took: commit, answeredAt: now, stillQueued: others)
            for _ in 0..<writes { hold.queued(at: now + way) }
            now += way
        }
        now += commit
        hold.committed(writes, took: commit, answeredAt: now, stillQueued: others)
        return now
    }

    @Test("on a slow disk, a commit holding half the clients waits for the other half, and no longer")
    func slowDiskHoldsForTheAnsweredHalf() {
        var hold = CommitHold()
        // 8 clients in halves: 4 per commit, the other 4 queued; 2.5 ms commits, 300 µs back.
        let answered = Self.settle(&hold, writes: 4, others: 4, commit: 2_500 * Self.microsecond, way: 300 * Self.microsecond)
        #expect(hold.expected == 8)
        let deadline = hold.holdUntil(queued: 4, now: answered + 10 * Self.microsecond)
        // A quarter of a commit (625 µs), which is more than twice the way back (600 µs).
        #expect(deadline == answered + 625 * Self.microsecond)
        // Everyone is back: commit at once.
        #expect(hold.holdUntil(queued: 8, now: answered + 200 * Self.microsecond) == nil)
        // Past the deadline: commit with whoever is there.
        #expect(hold.holdUntil(queued: 5, now: answered + 625 * Self.microsecond) == nil)
    }

    @Test("on a disk that flushes fast next to the clients' way back, nothing is held")
    func fastDiskIsNeverHeld() {
        var hold = CommitHold()
        // This machine's figures: 530 µs commits of 4, 300 µs back.
        let answered = Self.settle(&hold, writes: 4, others: 4, commit: 530 * Self.microsecond, way: 300 * Self.microsecond)
        #expect(hold.holdUntil(queued: 4, now: answered + 10 * Self.microsecond) == nil)
    }

    @Test("one client waiting for each answer is never held, however slow the disk")
    func oneClientIsNeverHeld() {
        var hold = CommitHold()
        let answered = Self.settle(&hold, writes: 1, others: 0, commit: 5_000 * Self.microsecond, way: 100 * Self.microsecond)
        #expect(hold.holdUntil(queued: 1, now: answered + 100 * Self.microsecond) == nil)
    }

    @Test("nothing is held before there is a measurement of both times")
    func nothingIsHeldUnmeasured() {
        var hold = CommitHold()
        #expect(hold.holdUntil(queued: 1, now: 5) == nil)
        hold.committed(4, took: 10_000 * Self.microsecond, answeredAt: 20_000 * Self.microsecond, stillQueued: 4)
        // The clients answered have not all come back yet: no way-back time to go by.
        hold.queued(at: 20_100 * Self.microsecond)
        #expect(hold.holdUntil(queued: 5, now: 20_200 * Self.microsecond) == nil)
    }

    @Test("for any commits and arrivals, a write is held less than half a commit, and only when clients are missing")
    func holdsAreShortAndOnlyForMissingClients() {
        let seeds = ProcessInfo.processInfo.environment["THRUM_PROPERTY_SEEDS"].flatMap(Int.init) ?? 25
        for seed in 0..<UInt64(seeds) {
            var random = SeededRandom(seed: seed)
            var hold = CommitHold()
            var now: UInt64 = 1_000_000
            for _ in 0..<200 {
                let took = UInt64.random(in: 50...5_000, using: &random) * Self.microsecond
                now += took
                let writes = Int.random(in: 1...16, using: &random)
                hold.committed(writes, took: took, answeredAt: now, stillQueued: Int.random(in: 0...16, using: &random))
                let answeredAt = now
                for _ in 0..<Int.random(in: 0...20, using: &random) {
                    now += UInt64.random(in: 0...400, using: &random) * Self.microsecond
                    hold.queued(at: now)
                    let queued = Int.random(in: 0...24, using: &random)
                    guard let deadline = hold.holdUntil(queued: queued, now: now) else { continue }
                    #expect(queued > 0 && queued < hold.expected, "seed \(seed)")
                    #expect(deadline > now, "seed \(seed)")
                    let commitTime = hold.commitTime ?? 0
                    #expect(Double(deadline - answeredAt) < commitTime / 2, "seed \(seed)")
                }
            }
        }
    }
}
