import CSystemd
import Glibc

/// Tells systemd about the daemon's state (sd_notify, for `Type=notify`).
/// Every call is a no-op when the process was not started by systemd with a
/// notification socket, so the daemon can call it unconditionally.
public struct SystemdNotifier: Sendable {
    /// True when NOTIFY_SOCKET was set at init, i.e. systemd is listening.
    public let isEnabled: Bool
    /// How often to send `WATCHDOG=1`: half of `WatchdogSec=`, as systemd
    /// recommends, or nil when the unit has no watchdog.
    public let watchdogInterval: Duration?

    public init() {
        isEnabled = getenv("NOTIFY_SOCKET") != nil
        var microseconds: UInt64 = 0
        if sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 {
            watchdogInterval = .microseconds(microseconds / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Start-up is complete: the store is open and every listener is up.
    public func ready() { send("READY=1") }

    /// A one-line status shown by `systemctl status`.
    public func status(_ text: String) {
        // The protocol is newline-separated assignments; a newline would end the value early.
        send("STATUS=" + text.map { $0.isNewline ? " " : String($0) }.joined())
    }

    /// Asks systemd to wait this much longer for `READY=1` (a long one-off start, such as an upgrade).
    public func extendStartTimeout(seconds: Int) {
        send("EXTEND_TIMEOUT_USEC=\(UInt64(max(seconds, 0)) * 1_000_000)")
    }

    /// Shutdown has begun.
    public func stopping() { send("STOPPING=1") }

    /// Keep-alive for `WatchdogSec=`.
    public func watchdog() { send("WATCHDOG=1") }

    /// A configuration reload has begun; send `ready()` when it is done.
    /// systemd (Type=notify-reload) wants the monotonic time with it.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    private func send(_ state: String) {
        guard isEnabled else { return }
        // A failure to notify is not worth failing the daemon over: systemd
        // will time the start out and say so in its own log.
        _ = sd_notify(0, state)
    }
}
