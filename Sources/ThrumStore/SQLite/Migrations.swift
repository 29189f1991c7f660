/// One numbered schema change. Versions start at 1 and have no gaps. `then` runs after
/// `sql` in the same transaction, for a change SQL alone cannot make (re-deriving data); it
/// may return a line saying what it changed, for the start-up log.
struct Migration: Sendable {
    let version: Int32
    let sql: String
    var then: (@Sendable (Connection) throws(StoreError) -> String?)? = nil
}

/// A migration this opening of the store applied, and how long it took.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int32
    public let duration: Duration
    /// What it changed, when it says.
    public let summary: String?
}

/// Applies pending migrations in order, each in its own transaction together with
/// the new `PRAGMA user_version`, so a crash leaves the schema at a whole version.
enum Migrations {
    @discardableResult
    static func migrate(_ connection: Connection, to migrations: [Migration]) throws(StoreError) -> [AppliedMigration] {
        let current = Int32(truncatingIfNeeded: try connection.scalarInt("PRAGMA user_version"))
        let latest = migrations.last?.version ?? 0
        guard current <= latest else {
            throw StoreError(
                kind: .schemaTooNew,
                message: "the store was written by a newer thrum (schema \(current); this build knows up to \(latest)). "
                    + "Install the newer thrum again, or move the database aside to start afresh.",
                operation: "opening \(connection.path)")
        }
        var applied: [AppliedMigration] = []
        for migration in migrations where migration.version > current {
            let started = ContinuousClock.now
            // A migration that rewrites the whole log would hold every page it changed in the WAL,
            // where SQLite finds each by a search and a copy: it runs with a rollback journal
            // instead (as atomic: a crash rolls it back), and the file mapped into memory.
            if migration.then != nil {
                try connection.execute("PRAGMA journal_mode = DELETE; PRAGMA mmap_size = 4294967296; PRAGMA cache_size = -65536")
            }
            defer {
                if migration.then != nil {
                    try? connection.execute("PRAGMA mmap_size = 0; PRAGMA cache_size = -2000; PRAGMA journal_mode = WAL")
                }
            }
            let summary = try connection.transaction { () throws(StoreError) -> String? in
                try connection.execute(migration.sql)
                let summary = try migration.then?(connection)
                // PRAGMA takes no bound parameters; the version is our own integer.
                try connection.execute("PRAGMA user_version = \(migration.version)")
                return summary
            }
            applied.append(AppliedMigration(version: migration.version, duration: ContinuousClock.now - started,
                                            summary: summary))
        }
        return applied
    }
}
