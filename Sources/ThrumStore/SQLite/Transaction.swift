import CSQLite

extension Connection {
    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT, rolling back if it throws.
    /// IMMEDIATE takes the write lock up front, so a transaction never fails half way
    /// with SQLITE_BUSY when it first writes. Transactions do not nest.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        let database = try handle(while: "starting a transaction")
        guard sqlite3_get_autocommit(database) != 0 else {
            throw StoreError(kind: .invalidArgument, message: "a transaction is already open; this is a bug in thrum",
                             operation: "starting a transaction")
        }
        // Prepared once and cached (`run`), not compiled again for every transaction.
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            rollback()
            throw error
        }
    }

    /// Rolls back if a transaction is still open (a failed COMMIT may already have ended it).
    private func rollback() {
        guard let database = try? handle(while: "rolling back"), sqlite3_get_autocommit(database) == 0 else { return }
        sqlite3_exec(database, "ROLLBACK", nil, nil, nil)
    }
}
