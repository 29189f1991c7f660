import ThrumTestSupport
import Testing
import ThrumStore
import ThrumCore

/// DESIGN §5: each origin's events form a signed hash chain; an origin that signs two events
/// that cannot both be its history has forked, the two events prove it, and its events from the
/// fork point on count nowhere, whichever branch a daemon saw first.
@Suite("Forks: hash chains, proofs and the fork rule")
struct ForkTests {
    let directory: TemporaryFolder
    init() throws { directory = try TemporaryFolder() }

    /// Applies `events` one batch each to a fresh store, in order, and returns it.
    func store(_ name: String, _ events: [Event]) throws -> EventStore {
        try directory.store(name, pulling: events)
    }

    /// Two branches of `forker`'s history that part at sequence 3: a shared start, then each its own.
    func branches(of forker: Origin) -> (shared: [Event], first: [Event], second: [Event]) {
        let start = forker.events([.register("alice"), .send("m1", from: "alice", to: "@everyone", "before the fork")])
        func branch(_ text: String) -> [Event] {
            var prev = start[1].chainHash
            return (Int64(3)...4).map { sequence in
                let event = forker.identity.makeEvent(
                    type: .messageCreate,
                    data: PayloadJSON.encode(MessageCreated(messageID: "m\(sequence)", from: "alice", to: "@everyone",
                                                            text: "\(text) \(sequence)", threadID: nil, replyTo: nil)),
                    link: ChainLink(sequence: sequence, prev: prev), timestamp: Origin.timestamp(sequence))
                prev = event.chainHash
                return event
            }
        }
        return (start, branch("to P"), branch("to Q"))
    }

    @Test("a daemon's own writes form a chain: sequence 1 names 64 zeros, each later one its predecessor's hash")
    func localWritesChain() throws {
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("chain.db"))
        let origin = Origin()
        let written = try [Change.register("alice"), .send("m1", from: "alice", to: "@everyone", "hi"), .deregister("alice")]
            .map { try origin.append($0, to: store).event }
        #expect(written.map(\.prev) == [EventChain.genesis, written[0].chainHash, written[1].chainHash])
        #expect(written.allSatisfy { $0.verifySignature() == nil })
        // A relay that changes `prev` breaks the signature.
        var rewired = written[2]
        rewired.prev = written[0].chainHash
        #expect(rewired.verifySignature() == .invalid)
        #expect(try store.frontier().heads[origin.id] == written[2].chainHash)
    }

    @Test("two branches in either order: one fork at the point they part, and the origin's events from there count nowhere")
    func forkFoundInEitherOrder() throws {
        defer { directory.remove() }
        let forker = Origin()
        let (shared, first, second) = branches(of: forker)
        let forward = try store("forward", shared + first + second)
        let backward = try store("backward", (shared + second + first).reversed())
        for store in [forward, backward] {
            let forks = try store.forks()
            #expect(forks.map(\.origin) == [forker.id])
            #expect(forks.map(\.sequence) == [3])
            #expect(forks.first.map { $0.proof.problem == nil } == true)
            #expect(try store.message(id: forker.msg("m1"))?.text == "before the fork")
            #expect(try store.message(id: forker.msg("m3")) == nil)
            #expect(try store.message(id: forker.msg("m4")) == nil)
            #expect(try store.frontier().forks == [forker.id: 3])
        }
        #expect(try forward.projectionSnapshot() == backward.projectionSnapshot())
    }

    @Test("a later event whose prev names another predecessor proves the fork one sequence lower")
    func chainMismatchProvesFork() throws {
        defer { directory.remove() }
        let forker = Origin()
        let (shared, first, second) = branches(of: forker)
        // Only branch one's event 3, and branch two's event 4: no two events share a sequence.
        let store = try store("chain", shared + [first[0], second[1]])
        #expect(try store.forks().map(\.sequence) == [3])
        #expect(try store.message(id: forker.msg("m3")) == nil)
    }

    @Test("a gap is no fork: retention or a missing page leaves holes a later event simply skips")
    func gapIsNoFork() throws {
        defer { directory.remove() }
        let origin = Origin()
        let events = origin.events([.register("alice"), .send("m1", from: "alice", to: "@everyone", "one"),
                                    .send("m2", from: "alice", to: "@everyone", "two"),
                                    .send("m3", from: "alice", to: "@everyone", "three")])
        let store = try store("gap", [events[0], events[3]])
        #expect(try store.forks().isEmpty)
        #expect(try store.message(id: origin.msg("m3"))?.text == "three")
    }

    @Test("a proof that proves nothing is said so: unrelated events, one origin's event twice, a tampered event")
    func bogusProofs() throws {
        defer { directory.remove() }
        let forker = Origin(), other = Origin()
        let (shared, first, second) = branches(of: forker)
        let real = try #require(ForkProof.between(first[0], second[0]))
        #expect(real.problem == nil)
        #expect(ForkProof.between(first[0], first[0]) == nil)
        #expect(ForkProof.between(shared[0], first[1]) == nil)
        var unrelated = real
        unrelated.second = other.events([.register("alice")])[0]
        #expect(unrelated.problem != nil)
        var tampered = real
        tampered.second.data = PayloadJSON.encode(MessageCreated(messageID: "m3", from: "alice", to: "@everyone", text: "changed",
                                                                 threadID: nil, replyTo: nil))
        #expect(tampered.problem?.contains("does not verify") == true)
        var moved = real
        moved.sequence = 2
        #expect(moved.problem != nil)
    }

    @Test("a relayed proof is kept, moves the fork point only earlier, and voids what it must")
    func relayedProof() throws {
        defer { directory.remove() }
        let forker = Origin()
        let (shared, first, second) = branches(of: forker)
        let store = try store("relayed", shared + first)
        #expect(try store.message(id: forker.msg("m4"))?.text == "to P 4")
        let atFour = try #require(ForkProof.between(first[1], second[1]))
        #expect(try store.recordFork(atFour, from: "d_relay"))
        #expect(try store.message(id: forker.msg("m4")) == nil)
        #expect(try store.message(id: forker.msg("m3"))?.text == "to P 3")
        let atThree = try #require(ForkProof.between(first[0], second[0]))
        #expect(try store.recordFork(atThree, from: "d_relay"))
        #expect(try store.recordFork(atFour, from: "d_relay") == false)
        #expect(try store.message(id: forker.msg("m3")) == nil)
        #expect(try store.forkProofs(notIn: [forker.id: 3]).isEmpty)
        #expect(try store.forkProofs(notIn: [forker.id: 4]).map(\.sequence) == [3])
        #expect(try store.forks().first?.fromDaemon == "d_relay")
    }

    @Test("a daemon whose own history forked writes nothing more, and says what to do")
    func ownForkStopsWrites() throws {
        defer { directory.remove() }
        let store = try EventStore(path: directory.file("own.db"))
        let me = Origin()
        let written = try me.append(.register("alice"), to: store).event
        // The same key, on another machine, wrote another sequence 1.
        let clone = me.identity.makeEvent(type: .agentRegister, data: PayloadJSON.encode(AgentRegistered(agent: "bob", role: nil, host: nil)),
                                          link: ChainLink(sequence: 1, prev: EventChain.genesis))
        let result = try store.applyBatch([clone], quarantined: [], from: "d_peer", checkpoint: 1, localDaemon: me.id)
        #expect(result.forks.map(\.sequence) == [1])
        #expect(written != clone)
        do {
            try me.append(.register("carol"), to: store)
            Issue.record("a forked daemon wrote")
        } catch let error as StoreError {
            #expect(error.kind == .forked)
            #expect(error.message.contains("thrum identity rotate"))
        }
    }

    @Test("a peer's frontier that names another head at a sequence this log holds is found contradicted")
    func contradictedHeads() throws {
        defer { directory.remove() }
        let forker = Origin()
        let (shared, first, second) = branches(of: forker)
        let store = try store("heads", shared + first)
        let theirs = LogFrontier(have: [forker.id: 4], heads: [forker.id: second[1].chainHash])
        #expect(try store.contradictedHeads(theirs).map(\.sequence) == [4])
        #expect(try store.contradictedHeads(try store.frontier()).isEmpty)
        #expect(theirs.hasNews(for: try store.frontier()))
        #expect(try store.events(origin: forker.id, from: 1, through: 4, maxBytes: 1 << 20).map(\.sequence) == [1, 2, 3, 4])
    }
}
