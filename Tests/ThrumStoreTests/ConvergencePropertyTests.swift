import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumCore
import ThrumStore

/// DESIGN §5: projections are a function of the set of events, and every identifier belongs to
/// the daemon that made it. Random event sets from 3–5 origins, hostile ones among them (see
/// `EventSetGenerator`), some of which fork, applied in many orders, batch splits and with
/// duplicates, must give one projection snapshot, equal to a rebuild from the log, in which every
/// message an honest origin wrote stands as its author left it, and must find every fork at the
/// point where its branches part.
/// `THRUM_PROPERTY_SEEDS` raises the number of seeds (CI runs the default).
@Suite("Convergence (property)")
struct ConvergencePropertyTests {
    static var seedCount: Int {
        ProcessInfo.processInfo.environment["THRUM_PROPERTY_SEEDS"].flatMap(Int.init) ?? 25
    }
    static let ordersPerSeed = 4

    @Test("every arrival order gives the same projections and forks, and no hostile origin voids an honest write")
    func anyOrderSameProjections() async throws {
        try await offThePool { try Self.checkOrders() }
    }

    static func checkOrders() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let firstSeed = ProcessInfo.processInfo.environment["THRUM_PROPERTY_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        var seedsWithEffects = 0
        var seedsWithForks = 0
        for seed in firstSeed..<(firstSeed + UInt64(Self.seedCount)) {
            var generator = EventSetGenerator(seed: seed)
            let events = generator.events()
            var reference: String?
            var referenceForks: [String: Int64] = [:]
            for order in 0..<Self.ordersPerSeed {
                let store = try EventStore(path: directory.file("s\(seed)-o\(order).db"))
                defer { store.close() }
                for (index, batch) in generator.delivery(of: events).enumerated() {
                    _ = try store.applyBatch(batch, quarantined: [], from: "d_relay\(index % 2)",
                                             checkpoint: Int64(index + 1), localDaemon: "d_local")
                }
                let snapshot = try store.projectionSnapshot()
                // A fork is proven by two events the log accepts (a hostile event refused at the door
                // is never kept, so it proves nothing in any order): never below where the branches
                // part, and never for an origin that did not fork.
                let forks = Dictionary(uniqueKeysWithValues: try store.forks().map { ($0.origin, $0.sequence) })
                for (origin, point) in forks {
                    let parted = generator.forks[origin]
                    #expect(parted.map { point >= $0 } == true, "seed \(seed), order \(order): fork of \(origin) at \(point)")
                    if parted.map({ point >= $0 }) != true { return }
                }
                for (id, expected) in generator.acknowledged {
                    let row = try store.message(id: id)
                    let found = row.map { EventSetGenerator.Expected(author: $0.from, text: $0.text, deleted: $0.deleted) }
                    #expect(found == expected, "seed \(seed), order \(order): honest message \(id)")
                    if found != expected { return }
                }
                try store.rebuildProjections()
                #expect(try store.projectionSnapshot() == snapshot, "seed \(seed), order \(order): a rebuild differs")
                if let reference {
                    #expect(snapshot == reference, "seed \(seed), order \(order): projections differ from order 0")
                    if snapshot != reference { return }
                    #expect(forks == referenceForks, "seed \(seed), order \(order): forks differ from order 0")
                    if forks != referenceForks { return }
                } else {
                    reference = snapshot
                    referenceForks = forks
                    if !forks.isEmpty { seedsWithForks += 1 }
                    if Self.rows(of: "messages", in: snapshot) > 0 || Self.rows(of: "group_members", in: snapshot) > 0 {
                        seedsWithEffects += 1
                    }
                }
            }
        }
        // The property must not hold vacuously: most sets leave messages or memberships standing.
        #expect(seedsWithEffects * 2 > Self.seedCount, "only \(seedsWithEffects) of \(Self.seedCount) seeds had any effect")
        #expect(seedsWithForks * 4 > Self.seedCount, "only \(seedsWithForks) of \(Self.seedCount) seeds had a fork")
    }

    /// The number of rows of one table in a `projectionSnapshot`.
    static func rows(of table: String, in snapshot: String) -> Int {
        let sections = snapshot.split(separator: "\n").split(omittingEmptySubsequences: false) { $0.hasPrefix("[") && $0.hasSuffix("]") }
        let names = snapshot.split(separator: "\n").filter { $0.hasPrefix("[") && $0.hasSuffix("]") }
        guard let index = names.firstIndex(of: "[\(table)]"[...]) else { return 0 }
        return sections.count > index + 1 ? sections[index + 1].count : 0
    }
}
