/// The store's numbered migrations (DESIGN §5). Append new ones; never edit a shipped one.
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, sql: """
            -- The replicated log. `seq` is this daemon's own position (what sync.pull pages by);
            -- AUTOINCREMENT so a seq is never reused, even after the newest rows were deleted.
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                timestamp TEXT NOT NULL,
                origin_daemon TEXT NOT NULL,
                origin_key TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                data TEXT NOT NULL,
                signature TEXT,
                received_from TEXT,          -- NULL for local writes
                received_at TEXT NOT NULL
            );
            CREATE INDEX events_by_origin_sequence ON events(origin_daemon, sequence);

            CREATE TABLE sync_checkpoints (
                peer_daemon_id TEXT PRIMARY KEY,
                last_seq INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                status TEXT NOT NULL
            );

            CREATE TABLE quarantined_events (
                id INTEGER PRIMARY KEY,
                event_id TEXT,               -- NULL when the event could not even be decoded
                received_at TEXT NOT NULL,
                from_daemon TEXT NOT NULL,
                reason TEXT NOT NULL,
                stage TEXT NOT NULL,
                event_json TEXT NOT NULL
            );
            CREATE INDEX quarantined_by_peer ON quarantined_events(from_daemon, received_at);

            -- Projections: derived from `events` alone (rebuildProjections drops and replays them).
            -- No foreign keys between them: events from different origins may arrive in any order.
            CREATE TABLE agents (
                name TEXT PRIMARY KEY,
                role TEXT,
                host TEXT,
                origin_daemon TEXT NOT NULL,
                registered_at TEXT NOT NULL,
                deregistered INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE sessions (
                session_id TEXT PRIMARY KEY,
                agent TEXT NOT NULL,
                intent TEXT,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                last_heartbeat TEXT
            );
            CREATE INDEX sessions_by_agent ON sessions(agent, started_at);
            CREATE TABLE messages (
                message_id TEXT PRIMARY KEY,
                event_id TEXT NOT NULL,
                from_agent TEXT NOT NULL,
                recipient TEXT NOT NULL,     -- @agent, @group or @everyone
                text TEXT NOT NULL,
                thread_id TEXT,
                reply_to TEXT,
                created_at TEXT NOT NULL,
                edited_at TEXT,
                deleted INTEGER NOT NULL DEFAULT 0,
                origin_daemon TEXT NOT NULL
            );
            CREATE INDEX messages_by_recipient ON messages(recipient, created_at);
            CREATE TABLE "groups" (
                name TEXT PRIMARY KEY,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE group_members (
                group_name TEXT NOT NULL,
                agent TEXT NOT NULL,
                PRIMARY KEY (group_name, agent)
            );
            CREATE INDEX group_members_by_agent ON group_members(agent);
            CREATE TABLE subscriptions (
                agent TEXT NOT NULL,
                topic TEXT NOT NULL,
                PRIMARY KEY (agent, topic)
            );
            CREATE TABLE threads (
                thread_id TEXT PRIMARY KEY,
                title TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            );

            -- Local only: read marks are per daemon, not events, and survive a projection rebuild.
            CREATE TABLE message_reads (
                message_id TEXT NOT NULL,
                agent TEXT NOT NULL,
                read_at TEXT NOT NULL,
                PRIMARY KEY (message_id, agent)
            );
            """),
        Migration(version: 2, sql: """
            -- What each event bears on (EventTopic): the projection rules find every event about one
            -- row through these columns, ordered by (at_ms, event_id).
            ALTER TABLE events ADD COLUMN subject TEXT;
            ALTER TABLE events ADD COLUMN actor TEXT;
            ALTER TABLE events ADD COLUMN at_ms INTEGER NOT NULL DEFAULT 0;

            -- Derived: the spans of its own sequence numbers over which a daemon owns an agent name (Ownership).
            CREATE TABLE agent_owners (
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                origin_daemon TEXT NOT NULL,
                from_sequence INTEGER NOT NULL,
                to_sequence INTEGER,
                PRIMARY KEY (name, position)
            );

            -- Kept on every insert (LogIndex): the version vector, and the event count.
            CREATE TABLE origin_frontier (
                origin_daemon TEXT PRIMARY KEY,
                sequence INTEGER NOT NULL
            );
            CREATE TABLE log_counters (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            """, then: { (connection) throws(StoreError) -> String? in
                // Fill the new columns. The projections are re-derived under the current rules by
                // schema 7, which every store upgrading from here goes on to.
                try EventRows.fillTopics(in: connection)
                try LogIndex.fill(in: connection)
                try connection.execute("""
                    CREATE INDEX events_by_subject ON events(subject, type);
                    CREATE INDEX events_by_actor ON events(actor);
                    """)
                return nil
            }),
        Migration(version: 3, sql: """
            -- Retention (THRUM_RETENTION) finds the oldest events by time, and status shows the oldest one.
            CREATE INDEX events_by_time ON events(at_ms);
            """),
        Migration(version: 4, sql: """
            -- Nothing ever read these two projections: no method lists subscriptions or threads.
            -- Their events stay in the log, so a projection that someone reads can be derived
            -- from it again by a later migration.
            DROP TABLE subscriptions;
            DROP TABLE threads;
            """),
        Migration(version: 5, sql: "", then: { (connection) throws(StoreError) -> String? in
            try ScopedAgentsUpgrade.run(in: connection)
        }),
        Migration(version: 6, sql: """
            -- Each origin's events form a hash chain (EventChain). Events from before this schema have
            -- no `prev`; their `hash` is worked out when it is needed (ChainHashes), not here, so the
            -- upgrade rewrites nothing.
            ALTER TABLE events ADD COLUMN prev TEXT;
            ALTER TABLE events ADD COLUMN hash TEXT;
            -- The chain hash of the event at each origin's frontier: what sync advertises beside the
            -- sequence. Retention may delete that event; this keeps its hash.
            ALTER TABLE origin_frontier ADD COLUMN head TEXT;
            -- The release before cannot verify a chained event's signature (it signs `prev` too), so
            -- it quarantined those of upgraded peers. Every peer's log is read again from its start
            -- (what this log holds is left out of the pages), so they come now.
            UPDATE sync_checkpoints SET last_seq = 0;

            \(Forks.createTable)
            \(Forks.createAsideTable)
            """),
        Migration(version: 7, sql: """
            -- Delivery states (Delivery): receipts and what they say of each recipient, and what a
            -- message's create fixes: its recipients and whether it asks for acknowledgements.
            \(Delivery.createTables)
            \(PeerFrontiers.createTables)
            ALTER TABLE messages ADD COLUMN recipients TEXT;
            ALTER TABLE messages ADD COLUMN ack_required INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN ack_within INTEGER;
            -- The release before quarantines message.receipt as an unknown type: read every peer's
            -- log again from its start (what this log holds is left out of the pages).
            UPDATE sync_checkpoints SET last_seq = 0;
            """, then: { (connection) throws(StoreError) -> String? in
                // Every projection under the current rules and tables: the delivery rows of the
                // messages already in the log, and, for a store coming from before schema 5, what
                // schema 5 left to be derived (the rules read tables it did not have yet).
                try Projector.rederiveAll(in: connection)
                let deliveries = try connection.scalarInt("SELECT COUNT(*) FROM deliveries")
                return "every projection derived again; \(deliveries) delivery states of messages already in the log"
            }),
        Migration(version: 8, sql: """
            -- Claims of paths and task keys (Claims).
            \(Claims.createTables)
            -- The release before quarantines claim.* as unknown types: read every peer's log again
            -- from its start (what this log holds is left out of the pages).
            UPDATE sync_checkpoints SET last_seq = 0;
            """),
    ]

    /// The projection tables in a fixed order, with the columns that order their rows,
    /// for rebuilds and snapshots. `message_reads` is deliberately absent (local state).
    static let projectionTables: [(name: String, orderBy: String)] = [
        ("agents", "address"),
        ("sessions", "session_id"),
        ("messages", "message_id"),
        ("\"groups\"", "name"),
        ("group_members", "group_name, agent"),
        ("deliveries", "message_id, recipient"),
        ("claims", "claim_id"),
        ("claim_seen", "claim_id, origin_daemon"),
        ("claim_renewals", "claim_id, sequence"),
        ("claim_overruled", "claim_id, by_claim"),
    ]
}
