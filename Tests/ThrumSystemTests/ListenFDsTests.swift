import Glibc
import Testing
import ThrumSystem

/// Serialized: these tests set the process-wide LISTEN_* variables. The real
/// path (systemd-socket-activate) is covered by the system tests.
@Suite("socket activation", .serialized)
struct ListenFDsTests {
    @Test("no inherited sockets when not socket-activated")
    func noneWithoutActivation() {
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        #expect(ListenFDs.take().isEmpty)
    }

    @Test("sockets passed to another process are not taken")
    func ignoresSocketsForAnotherProcess() {
        setenv("LISTEN_PID", "\(getpid() + 1)", 1)
        setenv("LISTEN_FDS", "1", 1)
        defer { unsetenv("LISTEN_PID"); unsetenv("LISTEN_FDS") }
        #expect(ListenFDs.take().isEmpty)
    }

    @Test("an inherited socket comes back with its FileDescriptorName, and only once")
    func takesNamedSocket() throws {
        // systemd hands sockets over from fd 3. Put a socket there if fd 3 is
        // free (F_DUPFD takes the lowest free fd >= 3 atomically, so a test
        // running alongside cannot lose its own fd 3). If fd 3 is in use,
        // sd_listen_fds only sets FD_CLOEXEC on it, which is harmless.
        let sock = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(sock >= 0)
        let duplicate = fcntl(sock, F_DUPFD, 3)
        close(sock)
        defer { if duplicate >= 0 { close(duplicate) } }
        setenv("LISTEN_PID", "\(getpid())", 1)
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_FDNAMES", "control", 1)

        #expect(ListenFDs.take() == [InheritedSocket(fd: 3, name: "control")])
        #expect(getenv("LISTEN_FDS") == nil, "taken sockets must not be offered to child processes")
        #expect(ListenFDs.take().isEmpty)
    }
}
