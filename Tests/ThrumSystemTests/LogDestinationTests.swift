import ThrumTestSupport
import Glibc
import Testing
@testable import ThrumSystem

/// Serialized: one test sets the process-wide JOURNAL_STREAM.
@Suite("log destination", .serialized)
struct LogDestinationTests {
    @Test("auto means stderr when JOURNAL_STREAM is unset")
    func autoWithoutJournalStream() {
        unsetenv("JOURNAL_STREAM")
        #expect(LogDestination.auto.resolved == .stderr)
    }

    @Test("auto means stderr when JOURNAL_STREAM names a stream other than our stderr")
    func autoWithForeignJournalStream() {
        // A child of a journald-logged process whose stderr was redirected still inherits the variable.
        setenv("JOURNAL_STREAM", "1:1", 1)
        defer { unsetenv("JOURNAL_STREAM") }
        #expect(LogDestination.auto.resolved == .stderr)
    }

    @Test("journal is used when journald listens, stderr otherwise; stderr is always stderr")
    func explicitDestinations() throws {
        let folder = try TemporaryFolder()
        try folder.write("", to: "socket", mode: 0o600)
        let listening = folder.file("socket")
        let missing = folder.file("no-socket")

        #expect(LogDestination.journal.resolve(journalStream: nil, stderr: 2, journalSocket: listening) == .journal)
        #expect(LogDestination.journal.resolve(journalStream: nil, stderr: 2, journalSocket: missing) == .stderr)
        #expect(LogDestination.stderr.resolve(journalStream: nil, stderr: 2, journalSocket: listening) == .stderr)
        #expect(LogDestination(rawValue: "journal") == .journal)
        #expect(LogDestination(rawValue: "syslog") == nil)
    }

    @Test("auto is the journal when stderr is the journal stream and journald listens")
    func autoWithMatchingJournalStream() throws {
        let folder = try TemporaryFolder()
        try folder.write("", to: "stream", mode: 0o600)
        let fd = open(folder.file("stream"), O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        let stream = "\(info.st_dev):\(info.st_ino)"

        #expect(LogDestination.auto.resolve(journalStream: stream, stderr: fd, journalSocket: folder.file("stream")) == .journal)
        #expect(LogDestination.auto.resolve(journalStream: stream, stderr: fd, journalSocket: folder.file("absent")) == .stderr)
        #expect(LogDestination.auto.resolve(journalStream: nil, stderr: fd, journalSocket: folder.file("stream")) == .stderr)
    }

    @Test("the journal check matches device and inode of the descriptor, nothing else")
    func journalStreamCheck() throws {
        let folder = try TemporaryFolder()
        try folder.write("", to: "stream", mode: 0o600)
        try folder.write("", to: "other", mode: 0o600)
        let fd = open(folder.file("stream"), O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var info = stat()
        try #require(fstat(fd, &info) == 0)
        var other = stat()
        try #require(stat(folder.file("other"), &other) == 0)

        #expect(LogDestination.isJournalStream("\(info.st_dev):\(info.st_ino)", fd: fd))
        #expect(!LogDestination.isJournalStream("\(other.st_dev):\(other.st_ino)", fd: fd))
        #expect(!LogDestination.isJournalStream(nil, fd: fd))
        #expect(!LogDestination.isJournalStream("garbage", fd: fd))
        #expect(!LogDestination.isJournalStream("\(info.st_dev):\(info.st_ino):9", fd: fd))
    }
}
