import Glibc

/// Where log records go (`THRUM_LOG`): journald's native protocol, plain
/// lines on stderr, or `auto`, which picks the journal exactly when stderr is
/// already connected to it.
public enum LogDestination: String, Sendable, CaseIterable {
    case auto
    case journal
    case stderr

    /// Where journald listens for the native protocol.
    static let journalSocket = "/run/systemd/journal/socket"

    /// `journal` or `stderr`: `auto` decided for this process.
    public var resolved: LogDestination {
        resolve(
            journalStream: getenv("JOURNAL_STREAM").map { String(cString: $0) },
            stderr: STDERR_FILENO,
            journalSocket: Self.journalSocket)
    }

    /// `auto` is the journal when stderr is the journal stream systemd gave
    /// us. Any journal choice falls back to stderr when journald's socket is
    /// missing: libsystemd drops records silently then, and a log nobody can
    /// read is worse than plain lines.
    func resolve(journalStream: String?, stderr fd: Int32, journalSocket: String) -> LogDestination {
        let wantsJournal: Bool
        switch self {
        case .journal: wantsJournal = true
        case .stderr: wantsJournal = false
        case .auto: wantsJournal = Self.isJournalStream(journalStream, fd: fd)
        }
        return wantsJournal && access(journalSocket, F_OK) == 0 ? .journal : .stderr
    }

    /// systemd's documented check (systemd.exec(5), $JOURNAL_STREAM): the
    /// variable holds "device:inode" of the journal stream systemd connected;
    /// stderr is that stream only if fstat gives the same pair. A child that
    /// redirected stderr elsewhere inherits the variable but fails the check.
    static func isJournalStream(_ journalStream: String?, fd: Int32) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
