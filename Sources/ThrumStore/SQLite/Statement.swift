import CSQLite

/// SQLite copies bound text and blobs before the bind call returns, so Swift's
/// temporary buffers may go away afterwards. The C macro is not imported into Swift.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement, owned by the connection's cache and reused across calls.
final class Statement {
    let handle: OpaquePointer
    let sql: String

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears the previous run (so no read snapshot stays open) and binds `values` to ?1, ?2, …
    func reset(binding values: [any SQLBindable], database: OpaquePointer) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code = bind(value.sqlValue, at: index)
            guard code == SQLITE_OK else {
                throw .sqlite(code, String(cString: sqlite3_errmsg(database)), while: "binding parameter \(index) of \(sql)")
            }
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) -> Int32 {
        switch value {
        case .integer(let number):
            return sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            return sqlite3_bind_double(handle, index, number)
        case .text(let text):
            // The bridged C string is never NULL, so "" stays an empty text and does not become NULL.
            return sqlite3_bind_text64(handle, index, text, sqlite3_uint64(text.utf8.count),
                                       SQLITE_TRANSIENT, UInt8(SQLITE_UTF8))
        case .blob(let bytes):
            if bytes.isEmpty { return sqlite3_bind_zeroblob(handle, index, 0) }
            return bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob64(handle, index, buffer.baseAddress, sqlite3_uint64(buffer.count), SQLITE_TRANSIENT)
            }
        case .null:
            return sqlite3_bind_null(handle, index)
        }
    }

    /// Advances one row: true when a row is available, false when done.
    func step(database: OpaquePointer) throws(StoreError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = String(cString: sqlite3_errmsg(database))
            sqlite3_reset(handle)
            throw .sqlite(code, message, while: "running \(sql)")
        }
    }

    var row: Row { Row(handle: handle) }
}
