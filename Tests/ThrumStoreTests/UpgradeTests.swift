import ThrumTestSupport
import Testing
import ThrumCore
@testable import ThrumStore

/// Issue 9's repair: a store written by schema 1, whose projections followed arrival order
/// (here: the hijacker's registration and edit applied last), is re-derived on upgrade and
/// ends equal to a store that applied the same events under the current rules.
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
        #expect(upgraded.appliedMigrations.map(\.version) == [2, 3, 4])
        #expect(!EventStore.upgradeRewritesLog(path: oldPath))
        let mode = try upgraded.withConnection { (connection) throws(StoreError) -> String? in
            try connection.queryFirst("PRAGMA journal_mode") { $0.string(0) }
        }
        #expect(mode == "wal", "the upgrade's rollback journal is switched back to WAL")
        #expect(try upgraded.agent(named: "alice")?.role == "coder")
        #expect(try upgraded.message(id: "m1")?.text == "original")

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
        #expect(store.appliedMigrations.map(\.version) == [4])
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
}
