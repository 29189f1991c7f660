import CSQLite
import Synchronization
import ThrumCore

/// The daemon's SQLite store (DESIGN §5): the event log, sync checkpoints, quarantine
/// and the projections agents read. One connection, and every call holds its mutex,
/// so calls are serialised and synchronous; callers decide which thread runs them.
public final class EventStore: Sendable {
    public let path: String
    private let connection: Mutex<Connection>
    /// The schema migrations this opening applied (empty when the store was current), for the start-up log.
    public let appliedMigrations: [AppliedMigration]
    /// The quarantine's caps, and how many entries they dropped since the store was opened.
    let quarantineState = Mutex((bound: QuarantineBound(), dropped: 0))
    /// How long expiring events are kept; nil keeps everything.
    public let retention: Retention?
    /// The newest `seq` and the event count as of the last commit (no query to read them).
    public let committed: CommittedCounts

    /// Opens or creates the store at `path`, sets its PRAGMAs and applies pending migrations.
    /// With a `retention`, expired events are neither applied nor served (`removeExpired` deletes them).
    public init(path: String, retention: Retention? = nil) throws(StoreError) {
        let connection = try Connection(path: path)
        try Self.configure(connection)
        appliedMigrations = try Migrations.migrate(connection, to: Schema.migrations)
        // A migration that rewrote the log ran under a rollback journal and switched back with
        // `try?`; confirm WAL (and the rest) here, so a store never stays out of WAL unnoticed.
        if appliedMigrations.contains(where: { $0.version > 1 }) { try Self.configure(connection) }
        self.path = path
        self.retention = retention
        committed = CommittedCounts(latestSeq: try connection.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM events"),
                                    eventCount: Int(try connection.scalarInt("SELECT value FROM log_counters WHERE name = 'events'")))
        self.connection = Mutex(connection)
    }

    /// A second connection to `writer`'s file for reads, on a thread of its own (`StoreThreads`):
    /// in WAL mode it reads the last commit while the writer works, so a status or an inbox
    /// never waits for a pulled page to be applied. It refuses to write (`query_only`).
    public init(readerOf writer: EventStore) throws(StoreError) {
        let connection = try Connection(path: writer.path, createIfMissing: false)
        try connection.execute("PRAGMA busy_timeout = 5000")
        try connection.execute("PRAGMA query_only = 1")
        try connection.execute(Self.pageCache)
        appliedMigrations = []
        path = writer.path
        retention = writer.retention
        committed = writer.committed
        self.connection = Mutex(connection)
    }

    /// The page cache of each connection, in KiB (negative: SQLite's unit for a size).
    static let pageCache = "PRAGMA cache_size = -16384"

    /// The `at_ms` before which an expiring event is outside the window now; `Int64.min` without retention.
    func retentionCutoffMS() -> Int64 {
        retention?.cutoffMS() ?? .min
    }

    /// True when opening the store at `path` will run a migration that rewrites the whole log
    /// (a long start on a large log); false for a new or current store, or one that cannot be read.
    public static func upgradeRewritesLog(path: String) -> Bool {
        guard let connection = try? Connection(path: path, createIfMissing: false) else { return false }
        defer { connection.close() }
        guard let current = try? connection.scalarInt("PRAGMA user_version"), current > 0 else { return false }
        return Schema.migrations.contains { $0.version > current && $0.then != nil }
    }

    /// Closes the file now rather than when the last reference goes. Later calls throw a `.closed` error.
    public func close() {
        connection.withLock { $0.close() }
    }

    /// Runs `body` with the connection while holding the mutex.
    @discardableResult
    func withConnection<T: Sendable>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        try connection.withLock { (connection) throws(StoreError) -> T in try body(connection) }
    }

    private static func configure(_ connection: Connection) throws(StoreError) {
        // Wait for another process's lock instead of failing at once; set first, since
        // switching to WAL may itself need a lock.
        try connection.execute("PRAGMA busy_timeout = 5000")
        let mode = try connection.queryFirst("PRAGMA journal_mode = WAL") { $0.string(0) }
        guard mode?.lowercased() == "wal" else {
            throw StoreError(kind: .walUnavailable,
                             message: "SQLite could not switch to WAL mode (got \(mode ?? "nothing")); "
                                + "put the state directory on a local filesystem.",
                             operation: "opening \(connection.path)")
        }
        // FULL syncs the WAL at every commit: an event acknowledged to a caller survives power loss.
        try connection.execute("PRAGMA synchronous = FULL")
        try connection.execute("PRAGMA foreign_keys = ON")
        try connection.execute(Self.pageCache)
    }
}
