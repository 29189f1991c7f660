import Logging
import Synchronization

/// Installs Thrum's log handler for the whole process.
public enum LogSetup {
    /// The destination chosen by the first bootstrap, nil before it.
    private static let chosen = Mutex<LogDestination?>(nil)

    /// Routes every Logger to `target` (with `auto` resolved). swift-log allows
    /// one bootstrap per process, so later calls change nothing and return the
    /// destination the first call chose.
    @discardableResult
    public static func bootstrap(target: LogDestination, level: Logger.Level = .info) -> LogDestination {
        chosen.withLock { chosen in
            if let chosen { return chosen }
            let destination = target.resolved
            LoggingSystem.bootstrap { _ in
                switch destination {
                case .journal: return JournalLogHandler(logLevel: level)
                case .stderr, .auto: return StderrLogHandler(logLevel: level)
                }
            }
            chosen = destination
            return destination
        }
    }
}
