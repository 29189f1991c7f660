import FoundationEssentials
import Testing
import ThrumCore
import ThrumStore
import ThrumTestSupport

/// Claims (docs/projections.md "Claims"): the same states in any arrival order; a claim written
/// after its daemon had seen a conflicting live claim has no effect; concurrent ones are both
/// contested, and back-dating wins nothing.
@Suite("Claims: held, contested, overruled, released, expired")
struct ClaimTests {
    let directory: TemporaryFolder
    init() throws { directory = try TemporaryFolder() }

    /// Test time: `second` seconds into the test epoch (Origin.timestamp), in milliseconds.
    static func ms(_ second: Int64) -> Int64 { (1_750_000_000 + second) * 1000 }

    /// One origin's claim events, unchained, at chosen sequences and seconds.
    struct Writer {
        let origin = Origin()
        var sequence: Int64 = 0

        mutating func next(_ change: Change, at second: Int64) -> Event {
            sequence += 1
            return origin.event(change, sequence: sequence, second: second)
        }

        func claimID(_ n: Int) -> String { "clm_\(n)-" + origin.id }

        mutating func claim(_ n: Int, _ agent: String, _ patterns: [String], at second: Int64, ttl: Int = 600,
                            shared: Bool = false, seen: [String: Int64] = [:], project: String = "p") -> Event {
            var seen = seen
            seen[origin.id] = sequence
            return next(Change(.claimCreate, ClaimMade(claimID: claimID(n), agent: origin.at(agent), project: project,
                                                       patterns: patterns, ttl: ttl, note: nil, shared: shared ? true : nil,
                                                       seen: seen)), at: second)
        }

        mutating func renew(_ n: Int, _ agent: String, at second: Int64, ttl: Int = 600) -> Event {
            next(Change(.claimRenew, ClaimRenewed(claimID: claimID(n), agent: origin.at(agent), ttl: ttl)), at: second)
        }

        mutating func release(_ n: Int, _ agent: String, at second: Int64) -> Event {
            next(Change(.claimRelease, ClaimReleased(claimID: claimID(n), agent: origin.at(agent))), at: second)
        }
    }

    /// The states at `now` after `events` in four orders (as given, reversed, two shuffles),
    /// checked equal, by claim ID.
    func states(_ events: [Event], at now: Int64, _ name: String = #function) throws -> [String: ClaimState] {
        var seed = SeededRandom(seed: UInt64(events.count) &* 7919)
        let run = UUID().uuidString.prefix(8)
        let orders = [events, events.reversed(), events.shuffled(using: &seed), events.shuffled(using: &seed)]
        var answers: [[String: ClaimState]] = []
        var snapshots: [String] = []
        for (index, order) in orders.enumerated() {
            let store = try directory.store(name.filter(\.isLetter) + "-\(run)-\(index)", pulling: order)
            defer { store.close() }
            let live = try store.liveClaims(project: nil, nowMS: now)
            let all = try store.claims(project: nil, agent: nil, endedSinceMS: 0, limit: 10_000)
            answers.append(Dictionary(uniqueKeysWithValues: all.map { claim in
                (claim.claimID, ClaimStates.state(of: claim, live: live.filter { $0.project == claim.project }, nowMS: now).state)
            }))
            snapshots.append(try store.projectionSnapshot())
        }
        for (answer, snapshot) in zip(answers.dropFirst(), snapshots.dropFirst()) {
            #expect(answer == answers[0])
            #expect(snapshot == snapshots[0])
        }
        return answers[0]
    }

    @Test("two concurrent overlapping claims are both contested, in any order; once one is released the other is held")
    func concurrentClaimsAreContested() throws {
        defer { directory.remove() }
        var a = Writer(), b = Writer()
        let setup = [a.next(.register("alice"), at: 1), b.next(.register("bob"), at: 1)]
        let first = [a.claim(1, "alice", ["src/**"], at: 10), b.claim(1, "bob", ["src/sync/a.swift"], at: 11)]
        var states = try self.states(setup + first, at: Self.ms(20))
        #expect(states == [a.claimID(1): .contested, b.claimID(1): .contested])
        let released = a.release(1, "alice", at: 30)
        states = try self.states(setup + first + [released], at: Self.ms(40))
        #expect(states == [a.claimID(1): .released, b.claimID(1): .held])
        // Disjoint patterns, task keys and two shared claims never conflict.
        var c = Writer()
        let apart = [c.next(.register("carol"), at: 1), c.claim(1, "carol", ["docs/**", "task:deploy"], at: 12),
                     b.claim(2, "bob", ["task:release"], at: 13)]
        states = try self.states(setup + first + apart, at: Self.ms(20))
        #expect(states[c.claimID(1)] == .held && states[b.claimID(2)] == .held)
        let shared = [a.claim(2, "alice", ["lib/**"], at: 14, shared: true), b.claim(3, "bob", ["lib/x"], at: 15, shared: true)]
        states = try self.states(setup + shared, at: Self.ms(20))
        #expect(states == [a.claimID(2): .held, b.claimID(3): .held])
    }

    @Test("a claim written after its daemon had seen a conflicting live claim is overruled, and leaves that claim held")
    func aClaimThatSawTheOtherIsOverruled() throws {
        defer { directory.remove() }
        var a = Writer(), b = Writer()
        let setup = [a.next(.register("alice"), at: 1), b.next(.register("bob"), at: 1)]
        let held = a.claim(1, "alice", ["src/**"], at: 10)
        // b held a's events through the claim, and claims anyway; back-dating it changes nothing.
        let late = b.claim(1, "bob", ["src/a.swift"], at: 5, seen: [a.origin.id: a.sequence])
        let states = try self.states(setup + [held, late], at: Self.ms(20))
        #expect(states == [a.claimID(1): .held, b.claimID(1): .overruled])
        let store = try directory.store("overruled-one", pulling: setup + [late, held])
        #expect(try store.claim(b.claimID(1))?.overruledBy == a.claimID(1))
        // A peer that says it saw less only makes its claim look concurrent: contested, never held.
        var liar = Writer()
        let lie = [liar.next(.register("mallory"), at: 1), liar.claim(1, "mallory", ["src/**"], at: 2, seen: [a.origin.id: 0])]
        let contested = try self.states(setup + [held] + lie, at: Self.ms(20))
        #expect(contested == [a.claimID(1): .contested, liar.claimID(1): .contested])
    }

    @Test("a claim that saw the other released or expired holds; renewals extend a claim only before it expired")
    func releasesExpiryAndRenewals() throws {
        defer { directory.remove() }
        var a = Writer(), b = Writer()
        let setup = [a.next(.register("alice"), at: 1), a.next(.register("ann"), at: 1), b.next(.register("bob"), at: 1)]
        let claim = a.claim(1, "alice", ["src/**"], at: 10, ttl: 100)
        let release = a.release(1, "alice", at: 20)
        let afterRelease = b.claim(1, "bob", ["src/**"], at: 30, seen: [a.origin.id: a.sequence])
        #expect(try states(setup + [claim, release, afterRelease], at: Self.ms(40))
                == [a.claimID(1): .released, b.claimID(1): .held])

        var c = Writer(), d = Writer()
        let more = [c.next(.register("carol"), at: 1), d.next(.register("dan"), at: 1)]
        let short = c.claim(1, "carol", ["lib/**"], at: 10, ttl: 100)          // expires at 110
        let renewed = c.renew(1, "carol", at: 100, ttl: 200)                    // before expiry: until 300
        let tooLate = c.renew(1, "carol", at: 400, ttl: 600)                    // after expiry: nothing
        let ignored = c.renew(1, "dan", at: 105, ttl: 5000)                     // not the holder's: nothing
        let seenExpired = d.claim(1, "dan", ["lib/a"], at: 350, seen: [c.origin.id: c.sequence])
        var states = try self.states(more + [short, renewed, tooLate, ignored, seenExpired], at: Self.ms(200))
        #expect(states[c.claimID(1)] == .contested, "renewed to 300; dan's claim is dated 350 but live at 200: both live")
        states = try self.states(more + [short, renewed, tooLate, ignored, seenExpired], at: Self.ms(320))
        #expect(states == [c.claimID(1): .expired, d.claimID(1): .held])
        let store = try directory.store("renewals", pulling: more + [short, renewed, tooLate, ignored])
        #expect(try store.claim(c.claimID(1))?.expiresMS == Self.ms(300))
    }

    @Test("the door refuses a malformed claim, and a claim event in another daemon's name")
    func theDoorChecksClaims() throws {
        defer { directory.remove() }
        var a = Writer(), z = Writer()
        let policy = ValidationPolicy()
        let now = Date(timeIntervalSince1970: 1_750_000_100)
        func refusal(_ event: Event) -> ValidationFailure? {
            let raw = Array(try! JSONEncoder().encode(event))
            if case let .failure(failure) = EventValidation.validate(raw: raw, policy: policy, now: now) { return failure }
            return nil
        }
        for (patterns, ttl) in [(["/etc/passwd"], 600), (["src/../x"], 600), (["./src"], 600), (["src/**"], 0), (["src/**"], 86_401), ([String](), 600)] {
            let event = a.next(Change(.claimCreate, ClaimMade(claimID: a.claimID(9), agent: a.origin.at("alice"), project: "p",
                                                              patterns: patterns, ttl: ttl, note: nil, shared: nil, seen: [:])), at: 5)
            #expect(refusal(event)?.stage == .business, "\(patterns) ttl \(ttl)")
        }
        let good = a.claim(1, "alice", ["src/**"], at: 5)
        #expect(refusal(good) == nil)
        // z renews and releases a's claim: refused at stage identity, whatever it names.
        let store = try directory.store("door", pulling: [a.next(.register("alice"), at: 1), good])
        let forged = [z.next(Change(.claimRelease, ClaimReleased(claimID: a.claimID(1), agent: z.origin.at("zed"))), at: 6),
                      z.next(Change(.claimRenew, ClaimRenewed(claimID: a.claimID(1), agent: a.origin.at("alice"), ttl: 10)), at: 6)]
        let result = try store.applyBatch(forged, quarantined: [], from: "d_peer", checkpoint: 9, localDaemon: "d_local")
        #expect(result.quarantined.map(\.stage) == [ValidationStage.identity.rawValue, ValidationStage.identity.rawValue])
        #expect(try store.claim(a.claimID(1))?.releasedAt == nil)
    }

    /// Random claims, renewals and releases from four origins, each writing with what it had seen
    /// of the others at that point (a causal simulation), some honest (they refuse to claim over a
    /// live conflicting claim they hold, as the daemon does) and some not, some back-dating.
    @Test("generated: every arrival order gives the same states; a claim written after seeing a conflicting live one never holds")
    func generatedHistoriesConverge() throws {
        defer { directory.remove() }
        let seeds: [UInt64] = (1...12).map { $0 &* 0x9E37_79B9 }
        for seed in seeds {
            var random = SeededRandom(seed: seed)
            let history = ClaimHistory.generate(&random)
            let states = try self.states(history.events, at: history.now, "gen\(seed)")
            // Released and expired come first: an overruled claim that ended shows how it ended.
            for (id, expectation) in history.expected {
                switch expectation {
                case .overruled: #expect([.overruled, .released, .expired].contains(states[id]), "seed \(seed): \(id) saw a live conflicting claim")
                case .notOverruled: #expect(states[id] != .overruled, "seed \(seed): \(id) is honest")
                }
            }
            // Back-dating an overruled or contested claim never makes it held (it may expire sooner).
            let overruled = Set(states.filter { $0.value == .overruled }.map(\.key))
            let contested = Set(states.filter { $0.value == .contested }.map(\.key))
            let backDated = try self.states(history.backDated(overruled.union(contested), &random), at: history.now, "gen\(seed)b")
            for id in overruled { #expect([.overruled, .expired].contains(backDated[id]), "seed \(seed): \(id)") }
            for id in contested where history.isDishonest(id) {
                #expect([.contested, .overruled, .expired].contains(backDated[id]), "seed \(seed): \(id)")
            }
        }
    }
}

/// A generated claim history for `generatedHistoriesConverge`.
struct ClaimHistory {
    enum Expectation { case overruled, notOverruled }
    var events: [Event] = []
    var expected: [String: Expectation] = [:]
    var now: Int64 = 0
    /// The claim creates of dishonest writers, as (index in `events`, writer index).
    private var dishonest: [(Int, Int)] = []
    private var writers: [ClaimTests.Writer] = []

    static let patterns = ["src/**", "src/a.swift", "src/b/*", "docs", "docs/x.md", "task:deploy", "task:*", "lib/**"]

    static func generate(_ random: inout SeededRandom) -> ClaimHistory {
        var h = ClaimHistory()
        h.writers = (0..<4).map { _ in ClaimTests.Writer() }
        let honest = [true, true, false, false]
        // What each writer holds of each other writer: a prefix of its events.
        var known = Array(repeating: Array(repeating: Int64(0), count: 4), count: 4)
        var claims: [[GeneratedClaim]] = Array(repeating: [], count: 4)
        for w in 0..<4 {
            h.events.append(h.writers[w].next(.register("agent\(w)"), at: 1))
            known[w][w] = 1
        }
        var clock: Int64 = 10
        for _ in 0..<24 {
            clock += Int64(random.next() % 40)
            let w = Int(random.next() % 4)
            for other in 0..<4 where other != w && random.next() % 2 == 0 { known[w][other] = h.writers[other].sequence }
            known[w][w] = h.writers[w].sequence
            let roll = random.next() % 10
            let mine = claims[w].indices.filter { claims[w][$0].released == nil }
            if roll < 2, let pick = mine.randomElement(using: &random) {
                let event = h.writers[w].release(claims[w][pick].n, "agent\(w)", at: clock)
                claims[w][pick].released = h.writers[w].sequence
                h.events.append(event)
                continue
            }
            if roll < 3, let pick = mine.randomElement(using: &random) {
                let ttl = 300 + Int(random.next() % 600)
                h.events.append(h.writers[w].renew(claims[w][pick].n, "agent\(w)", at: clock, ttl: ttl))
                claims[w][pick].renewals.append((h.writers[w].sequence, clock, ttl))
                continue
            }
            let texts = Array(Set((0..<(1 + Int(random.next() % 2))).map { _ in patterns.randomElement(using: &random)! })).sorted()
            let parsed = texts.map { try! ClaimPattern(parsing: $0) }
            let shared = random.next() % 5 == 0
            let ttl = 200 + Int(random.next() % 800)
            var seen: [String: Int64] = [:]
            for other in 0..<4 { seen[h.writers[other].origin.id] = known[w][other] }
            // Did this writer see a live conflicting claim, by what it held of the others?
            let saw = { (at: Int64) in
                (0..<4).contains { other in
                    other != w && claims[other].contains { c in
                        c.seq <= known[w][other] && (c.released.map { $0 > known[w][other] } ?? true)
                            && at < c.expiry(holding: known[w][other]) && !(shared && c.shared)
                            && c.patterns.contains { p in parsed.contains { p.overlaps($0) } }
                    }
                }
            }
            if honest[w] && saw(clock) { continue }
            // Dishonest writers sometimes back-date.
            let at = !honest[w] && random.next() % 3 == 0 ? max(2, clock - Int64(random.next() % 200)) : clock
            let n = h.events.count
            let event = h.writers[w].claim(n, "agent\(w)", texts, at: at, ttl: ttl, shared: shared, seen: seen)
            let id = h.writers[w].claimID(n)
            claims[w].append(GeneratedClaim(n: n, patterns: parsed, shared: shared, created: at, ttl: ttl, seq: h.writers[w].sequence))
            if !honest[w] { h.dishonest.append((h.events.count, w)) }
            h.events.append(event)
            if saw(at) { h.expected[id] = .overruled }
            if honest[w] { h.expected[id] = .notOverruled }
        }
        h.now = ClaimTests.ms(clock + 100)
        return h
    }

    func isDishonest(_ id: String) -> Bool { dishonest.contains { writers[$0.1].claimID($0.0) == id } }

    /// The same history with the creates of `claims` (dishonest ones) dated earlier still, re-signed by their writers.
    func backDated(_ claims: Set<String>, _ random: inout SeededRandom) -> [Event] {
        var events = self.events
        for (index, w) in dishonest where claims.contains(writers[w].claimID(index)) {
            let original = events[index]
            guard let at = Timestamp.parse(original.timestamp) else { continue }
            let earlier = Int64(at.timeIntervalSince1970) - 1_750_000_000 - Int64(1 + random.next() % 100)
            events[index] = writers[w].origin.event(Change(.claimCreate, rawData: original.data), sequence: original.sequence,
                                                    second: max(2, earlier))
        }
        return events
    }
}

/// One claim as the generator tracks it.
struct GeneratedClaim {
    let n: Int
    let patterns: [ClaimPattern]
    let shared: Bool
    let created: Int64
    let ttl: Int
    let seq: Int64
    var released: Int64?
    var renewals: [(seq: Int64, at: Int64, ttl: Int)] = []

    init(n: Int, patterns: [ClaimPattern], shared: Bool, created: Int64, ttl: Int, seq: Int64) {
        self.n = n; self.patterns = patterns; self.shared = shared; self.created = created; self.ttl = ttl; self.seq = seq
    }

    /// Its expiry in seconds, counting the renewals up to sequence `held` that came before it expired.
    func expiry(holding held: Int64) -> Int64 {
        var expiry = created + Int64(ttl)
        for renewal in renewals where renewal.seq <= held && renewal.at < expiry { expiry = max(expiry, renewal.at + Int64(renewal.ttl)) }
        return expiry
    }
}
