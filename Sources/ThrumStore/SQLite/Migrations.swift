/// One numbered schema change. Versions start at 1 and have no gaps.
struct Migration: Sendable {
    let version: Int32
    let sql: String
}

/// Applies pending migrations in order, each in its own transaction together with
/// the new `PRAGMA user_version`, so a crash leaves the schema at a whole version.
enum Migrations {
    static func migrate(_ connection: Connection, to migrations: [Migration]) throws(StoreError) {
        let current = Int32(truncatingIfNeeded: try connection.scalarInt("PRAGMA user_version"))
        let latest = migrations.last?.version ?? 0
        guard current <= latest else {
            throw StoreError(
                kind: .schemaTooNew,
                message: "the store was written by a newer thrum (schema \(current); this build knows up to \(latest)). "
                    + "Install the newer thrum again, or move the database aside to start afresh.",
                operation: "opening \(connection.path)")
        }
        for migration in migrations where migration.version > current {
            try connection.transaction { () throws(StoreError) in
                try connection.execute(migration.sql)
                // PRAGMA takes no bound parameters; the version is our own integer.
                try connection.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
