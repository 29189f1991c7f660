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

    // Taking a real inherited socket is tested where it can be done without
    // racing other tests for fd 3: Tests/system/socket-activation.sh runs the
    // daemon under systemd-socket-activate.
}
