import CSQLite

/// One SQLite connection with a cache of prepared statements keyed by their SQL.
/// Not thread-safe by itself: `EventStore` serialises every use behind a mutex,
/// which is why the connection is opened with SQLITE_OPEN_NOMUTEX.
/// A cached statement is shared by every use of its SQL, so code running inside
/// `forEachRow` must not run that same SQL again (it would reset the outer loop).
final class Connection {
    let path: String
    private var database: OpaquePointer?
    private var statements: [String: Statement] = [:]

    init(path: String, createIfMissing: Bool = true) throws(StoreError) {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | (createIfMissing ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw .sqlite(code, message, while: "opening \(path)")
        }
        sqlite3_extended_result_codes(handle, 1)
        database = handle
    }

    deinit { close() }

    /// Finalizes every cached statement and closes the file. Later calls throw `.closed`.
    func close() {
        statements.removeAll()
        sqlite3_close_v2(database)
        database = nil
    }

    func handle(while operation: @autoclosure () -> String) throws(StoreError) -> OpaquePointer {
        guard let database else {
            throw StoreError(kind: .closed, message: "closed", operation: operation())
        }
        return database
    }

    /// Runs one or more statements without parameters or results (schema, PRAGMAs, BEGIN/COMMIT).
    func execute(_ sql: String) throws(StoreError) {
        let database = try handle(while: "running \(sql)")
        let code = sqlite3_exec(database, sql, nil, nil, nil)
        guard code == SQLITE_OK else {
            throw .sqlite(code, String(cString: sqlite3_errmsg(database)), while: "running \(sql)")
        }
    }

    /// Runs one statement that returns no rows; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [any SQLBindable] = []) throws(StoreError) -> Int {
        let database = try handle(while: "running \(sql)")
        let statement = try prepared(sql, database: database)
        try statement.reset(binding: values, database: database)
        defer { sqlite3_reset(statement.handle) }
        while try statement.step(database: database) {}
        return Int(sqlite3_changes64(database))
    }

    /// The rowid of the last successful INSERT on this connection.
    var lastInsertRowID: Int64 {
        database.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Hands each result row to `body` until it returns false or the rows run out, without
    /// collecting them, so a replay of a large log does not hold it in memory.
    func forEachRow(_ sql: String, _ values: [any SQLBindable] = [],
                    _ body: (Row) throws(StoreError) -> Bool) throws(StoreError) {
        let database = try handle(while: "running \(sql)")
        let statement = try prepared(sql, database: database)
        try statement.reset(binding: values, database: database)
        // Resetting at the end ends the statement's read snapshot, so WAL checkpoints are not held back.
        defer { sqlite3_reset(statement.handle) }
        while try statement.step(database: database) {
            guard try body(statement.row) else { return }
        }
    }

    func query<T>(_ sql: String, _ values: [any SQLBindable] = [],
                  _ read: (Row) throws(StoreError) -> T) throws(StoreError) -> [T] {
        var results: [T] = []
        try forEachRow(sql, values) { (row) throws(StoreError) in
            results.append(try read(row))
            return true
        }
        return results
    }

    func queryFirst<T>(_ sql: String, _ values: [any SQLBindable] = [],
                       _ read: (Row) throws(StoreError) -> T) throws(StoreError) -> T? {
        var result: T?
        try forEachRow(sql, values) { (row) throws(StoreError) in
            result = try read(row)
            return false
        }
        return result
    }

    /// The first column of the first row as an integer; 0 when there is no row or it is NULL.
    func scalarInt(_ sql: String, _ values: [any SQLBindable] = []) throws(StoreError) -> Int64 {
        try queryFirst(sql, values) { $0.int64(0) } ?? 0
    }

    private func prepared(_ sql: String, database: OpaquePointer) throws(StoreError) -> Statement {
        if let cached = statements[sql] { return cached }
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw .sqlite(code, String(cString: sqlite3_errmsg(database)), while: "preparing \(sql)")
        }
        let statement = Statement(handle: handle, sql: sql)
        statements[sql] = statement
        return statement
    }
}
