import ThrumTestSupport
import Testing
import ThrumCore
@testable import ThrumStore

/// Upgrades re-derive the projections under the current rules: from schema 1 (arrival-order
/// projections) and from a log written by the release before scoped agents (schema 4, a
/// checked-in fixture).
@Suite("Upgrade")
struct UpgradeTests {
    @Test("opening a schema 1 store re-derives its projections once, under the current rules")
    func upgradeRederives() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let a = Origin(), z = Origin()
        let events = [a.event(.register("alice", role: "coder"), sequence: 1, second: 1),
                      a.event(.send("m1", from: "alice", to: "@everyone", "original"), sequence: 2, second: 2),
                      z.event(.register("alice", role: "hijacked"), sequence: 1, second: 3),
                      z.event(.edit("m1", by: "alice", "rewritten"), sequence: 2, second: 4)]

        let oldPath = directory.file("v1.db")
        do {
            let connection = try Connection(path: oldPath)
            try Migrations.migrate(connection, to: [Schema.migrations[0]])
            for (index, event) in events.enumerated() {
                try connection.run("""
                    INSERT INTO events (event_id, type, timestamp, origin_daemon, origin_key, sequence, data, signature,
                                        received_from, received_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'd_peer', ?9)
                    """, [event.eventID, event.type, event.timestamp, event.originDaemon, event.originKey,
                          event.sequence, event.data, event.signature, Origin.timestamp(Int64(index))])
            }
            // What version 1 derived, in arrival order: the hijacker's registration and edit won.
            try connection.run("""
                INSERT INTO agents (name, role, host, origin_daemon, registered_at, deregistered)
                VALUES ('alice', 'hijacked', 'host-1', ?1, ?2, 0)
                """, [z.id, Origin.timestamp(3)])
            try connection.run("""
                INSERT INTO messages (message_id, event_id, from_agent, recipient, text, created_at, origin_daemon)
                VALUES ('m1', ?1, 'alice', '@everyone', 'rewritten', ?2, ?3)
                """, [events[1].eventID, Origin.timestamp(2), a.id])
            connection.close()
        }

        #expect(EventStore.upgradeRewritesLog(path: oldPath), "the daemon can tell systemd a long start is coming")
        let upgraded = try EventStore(path: oldPath)
        #expect(upgraded.appliedMigrations.map(\.version) == [2, 3, 4, 5, 6, 7, 8])
        #expect(!EventStore.upgradeRewritesLog(path: oldPath))
        let mode = try upgraded.withConnection { (connection) throws(StoreError) -> String? in
            try connection.queryFirst("PRAGMA journal_mode") { $0.string(0) }
        }
        #expect(mode == "wal", "the upgrade's rollback journal is switched back to WAL")
        #expect(try upgraded.agent(address: a.at("alice"))?.role == "coder")
        #expect(try upgraded.agent(address: z.at("alice"))?.role == "hijacked", "z's registration is z's own agent")
        #expect(try upgraded.message(id: a.msg("m1"))?.text == "original", "z's edit is of a message of z's own")

        let fresh = try EventStore(path: directory.file("fresh.db"))
        _ = try fresh.applyBatch(events, quarantined: [], from: "d_peer", checkpoint: 4, localDaemon: "d_local")
        #expect(try upgraded.projectionSnapshot() == fresh.projectionSnapshot())
        #expect(try upgraded.eventCount() == 4)
        #expect(try upgraded.versionVector() == [a.id: 2, z.id: 2])
        upgraded.close()
        #expect(try EventStore(path: oldPath).appliedMigrations.isEmpty, "the repair runs once")
    }

    @Test("schema 4 drops the subscriptions and threads tables nothing read, and keeps their events")
    func unreadProjectionsAreDropped() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let path = directory.file("v3.db")
        do {
            let connection = try Connection(path: path)
            try Migrations.migrate(connection, to: Array(Schema.migrations.prefix(3)))
            try connection.run("INSERT INTO subscriptions (agent, topic) VALUES ('alice', 'builds')", [])
            connection.close()
        }
        let store = try EventStore(path: path)
        #expect(store.appliedMigrations.map(\.version) == [4, 5, 6, 7, 8])
        let tables = try store.withConnection { (connection) throws(StoreError) -> [String] in
            try connection.query("SELECT name FROM sqlite_master WHERE type = 'table'", []) { $0.string(0) }
        }
        #expect(!tables.contains("subscriptions") && !tables.contains("threads"))

        let a = Origin()
        let events = [a.event(.register("alice", role: "coder"), sequence: 1, second: 1),
                      a.event(Change(.threadCreate, ThreadCreated(threadID: "t1", agent: "alice", title: "release")),
                              sequence: 2, second: 2)]
        _ = try store.applyBatch(events, quarantined: [], from: "d_peer", checkpoint: 2, localDaemon: "d_local")
        #expect(try store.eventCount() == 2, "a thread.create is logged (and relayed) as before")
    }

    /// Tests/fixtures/schema4: the log of daemon "laptop" as the release before scoped agents
    /// wrote it (make.sh beside it). Both laptop and runner registered `alice` before they
    /// first synced; the runner lost the race, so its alice's message to carol had no effect.
    static let fixture = String(#filePath.split(separator: "/Tests/").first.map { "\($0)" } ?? ".") + "/Tests/fixtures/schema4"
    static let laptop = "d_5n3ysvr354oxmagp", runner = "d_t6pjrtlo4wbl4quf"

    static func fixtureMessage(_ key: String) throws -> String {
        let lines = try TestFiles.read(fixture + "/messages.txt").split(separator: "\n")
        let id = try #require(lines.first { $0.hasPrefix(key + "=") }?.dropFirst(key.count + 1))
        return String(id)
    }

    @Test("a log of the release before scoped agents: every agent is scoped to its daemon, nothing voided, legacy @NAME keeps its meaning")
    func scopedAgentsUpgrade() throws {
        let directory = try TemporaryFolder()
        defer { directory.remove() }
        let path = directory.file("laptop.db")
        try TestFiles.write(path, bytes: try TestFiles.readBytes(Self.fixture + "/laptop.db"))
        let store = try EventStore(path: path)
        defer { store.close() }
        #expect(store.appliedMigrations.map(\.version) == [5, 6, 7, 8])
        let summary = try #require(store.appliedMigrations.first?.summary)
        #expect(summary.hasPrefix("3 agent names became 4 agents scoped to their daemons; 2 events that had no effect"),
                "\(summary)")
        #expect(summary.hasSuffix("; 1 read marks kept"), "\(summary)")

        let (laptop, runner) = (Self.laptop, Self.runner)
        func address(_ name: String, _ daemon: String) -> String { "\(name)@\(daemon)" }
        func message(_ key: String, _ daemon: String) throws -> String { try Self.fixtureMessage(key) + "-" + daemon }
        #expect(try store.agents().map(\.address) == [address("alice", laptop), address("alice", runner),
                                                        address("bob", laptop), address("carol", runner)])
        #expect(try store.agent(address: address("alice", runner))?.role == "tests")
        // The race's loser: its alice's message is in effect now, as the runner's alice.
        let lost = try #require(try store.message(id: message("m5", runner)))
        #expect(lost.from == address("alice", runner) && lost.recipientAgent == address("carol", runner))
        // A legacy bare @alice reaches the alice that owned the name when it was written.
        #expect(try store.message(id: message("m6", runner))?.recipientAgent == address("alice", laptop))
        #expect(try store.message(id: message("m1", laptop))?.recipientAgent == address("alice", laptop))
        #expect(try store.message(id: message("m2", laptop))?.text == "laptop alice to bob, edited")
        #expect(try store.groups().first?.members == [address("alice", laptop), address("bob", laptop)])
        let inbox = try store.inbox(agent: address("alice", laptop), unreadOnly: false, limit: 10)
        #expect(try inbox.map(\.messageID) == [message("m1", laptop), message("m3", laptop), message("m6", runner),
                                               message("m7", runner)])
        #expect(inbox.map(\.read) == [true, false, false, false], "the read mark moved to the scoped agent and message")
        #expect(try store.inbox(agent: address("carol", runner), unreadOnly: false, limit: 10).map(\.messageID)
                == [message("m5", runner)])
        #expect(try store.inbox(agent: address("alice", runner), unreadOnly: false, limit: 10).map(\.messageID)
                == [message("m7", runner)], "a legacy @alice never reached the runner's alice")

        // The same events applied fresh give the same projections; the upgrade runs once.
        let fresh = try EventStore(path: directory.file("fresh.db"))
        let events = try store.events(afterSeq: 0, limit: 1000, maxBytes: 1 << 24).events.map(\.event)
        _ = try fresh.applyBatch(events, quarantined: [], from: "d_peer", checkpoint: 1, localDaemon: "d_local")
        #expect(try fresh.projectionSnapshot() == store.projectionSnapshot())
        store.close()
        #expect(try EventStore(path: path).appliedMigrations.isEmpty)
    }
}
