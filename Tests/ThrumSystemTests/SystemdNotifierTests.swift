import ThrumTestSupport
import Glibc
import Testing
import ThrumSystem

/// Serialized: these tests set NOTIFY_SOCKET and WATCHDOG_*, which are process-wide.
@Suite("systemd notifications", .serialized)
struct SystemdNotifierTests {
    @Test("ready and status reach the notification socket as READY=1 and STATUS=")
    func sendsReadyAndStatus() throws {
        let folder = try TemporaryFolder()
        let listener = try UnixDatagramSocket(path: folder.file("notify"))
        setenv("NOTIFY_SOCKET", listener.path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }

        let notifier = SystemdNotifier()
        notifier.ready()
        notifier.status("x")
        notifier.status("two\nlines")
        notifier.stopping()

        #expect(notifier.isEnabled)
        #expect(listener.receive() == "READY=1")
        #expect(listener.receive() == "STATUS=x")
        #expect(listener.receive() == "STATUS=two lines")
        #expect(listener.receive() == "STOPPING=1")
    }

    @Test("without NOTIFY_SOCKET every call is a harmless no-op")
    func disabledOutsideSystemd() {
        unsetenv("NOTIFY_SOCKET")
        let notifier = SystemdNotifier()
        notifier.ready()
        notifier.status("ignored")
        notifier.watchdog()
        #expect(!notifier.isEnabled)
    }

    @Test("the watchdog interval is half of WATCHDOG_USEC when the watchdog is meant for us")
    func watchdogIntervalIsHalf() {
        setenv("WATCHDOG_USEC", "4000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        defer { unsetenv("WATCHDOG_USEC"); unsetenv("WATCHDOG_PID") }
        #expect(SystemdNotifier().watchdogInterval == .seconds(2))
    }

    @Test("no watchdog interval when there is no watchdog, or it is for another process")
    func noWatchdog() {
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
        #expect(SystemdNotifier().watchdogInterval == nil)

        setenv("WATCHDOG_USEC", "4000000", 1)
        setenv("WATCHDOG_PID", "\(getpid() + 1)", 1)
        defer { unsetenv("WATCHDOG_USEC"); unsetenv("WATCHDOG_PID") }
        #expect(SystemdNotifier().watchdogInterval == nil)
    }
}
