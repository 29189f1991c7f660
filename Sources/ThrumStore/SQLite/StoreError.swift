import CSQLite

/// Every failure of the store: what it was doing, SQLite's own code and message,
/// and a sentence an operator can act on.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// SQLite returned an error code.
        case sqlite
        /// The store was used after `close()`.
        case closed
        /// The file was written by a newer build with a schema this one does not know.
        case schemaTooNew
        /// The database refused WAL mode, so acknowledged writes could not be made durable as designed.
        case walUnavailable
        /// The caller handed the store something inconsistent (a bug in the caller).
        case invalidArgument
        /// This daemon's own history is proven forked (`Forks`): it may write nothing more.
        case forked
    }

    public let kind: Kind
    /// SQLite's extended result code; 0 when the error did not come from SQLite.
    public let code: Int32
    /// SQLite's message (`sqlite3_errmsg`), or the store's own detail.
    public let message: String
    /// What the store was doing, e.g. "opening /var/lib/thrum/thrum.db".
    public let operation: String

    public init(kind: Kind, code: Int32 = 0, message: String, operation: String) {
        self.kind = kind
        self.code = code
        self.message = message
        self.operation = operation
    }

    static func sqlite(_ code: Int32, _ message: String, while operation: String) -> StoreError {
        StoreError(kind: .sqlite, code: code, message: message, operation: operation)
    }

    public var description: String {
        switch kind {
        case .sqlite:
            return "store error while \(operation): \(message) (SQLite code \(code)). \(hint)"
        case .closed:
            return "store error while \(operation): the store is closed. This is a bug in thrum; please report it."
        case .schemaTooNew, .walUnavailable, .invalidArgument, .forked:
            return "store error while \(operation): \(message)"
        }
    }

    /// What an operator can do about an SQLite error, by its primary code.
    private var hint: String {
        switch code & 0xff {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "Another process holds the database; make sure only one thrum daemon uses this state directory."
        case SQLITE_CANTOPEN:
            return "Check that the state directory exists and that the thrum user may write to it."
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH:
            return "Check the permissions of the database file and its directory (owner thrum, mode 0700)."
        case SQLITE_FULL:
            return "The disk is full; free space and try again."
        case SQLITE_IOERR:
            return "The disk or filesystem reported an I/O error; check the system log."
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "The database file is damaged or is not a Thrum store; stop the daemon, move thrum.db aside "
                + "and restart: it takes its history back from its peers before it writes anything (thrum-daemon(8), "
                + "LOST OR RESTORED DATABASE)."
        default:
            return "This is probably a bug in thrum; please report it with this message."
        }
    }
}
