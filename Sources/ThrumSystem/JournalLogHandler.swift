import CSystemd
import Glibc
import Logging

/// Sends log records to journald over its native protocol (DESIGN §9), so
/// `journalctl THRUM_COMPONENT=quarantine` and friends can filter on fields.
/// A record journald refuses goes to stderr instead of being lost. (A missing
/// journald is not reported by libsystemd at all; LogDestination checks for
/// its socket before choosing this handler.)
public struct JournalLogHandler: ThrumLogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level

    public init(logLevel: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    public func log(event: LogEvent) {
        let merged = mergedMetadata(of: event)
        let fields = Self.fields(
            level: event.level, message: event.message, metadata: merged,
            file: event.file, function: event.function, line: event.line)
        if !Self.send(fields) {
            StderrLogHandler.write(StderrLogHandler.line(level: event.level, message: event.message, metadata: merged))
        }
    }

    /// The journal fields of one record, each "KEY=value": the standard ones
    /// first, then every metadata entry as a THRUM_ field, sorted by key.
    public static func fields(
        level: Logger.Level,
        message: Logger.Message,
        metadata: Logger.Metadata,
        file: String,
        function: String,
        line: UInt
    ) -> [String] {
        var fields = [
            "MESSAGE=\(message)",
            "PRIORITY=\(priority(of: level))",
            "SYSLOG_IDENTIFIER=thrum",
            "CODE_FILE=\(file)",
            "CODE_LINE=\(line)",
            "CODE_FUNC=\(function)",
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            fields.append("\(fieldName(forMetadataKey: key))=\(value)")
        }
        return fields
    }

    /// syslog(3) priorities, which journald stores in PRIORITY.
    public static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// `component` → THRUM_COMPONENT, `daemon_id` → THRUM_DAEMON_ID, and so on:
    /// uppercase, and anything journald does not allow in a field name
    /// (only A-Z, 0-9 and _) becomes `_`. Names are capped at journald's 64 characters.
    public static func fieldName(forMetadataKey key: String) -> String {
        let converted = key.uppercased().unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "A"..."Z", "0"..."9", "_": return Character(scalar)
            default: return "_"
            }
        }
        return String(("THRUM_" + String(converted)).prefix(64))
    }

    /// One sd_journal_sendv call; each field is one iovec, so values may hold
    /// newlines (libsystemd switches those fields to the binary form).
    private static func send(_ fields: [String]) -> Bool {
        var bytes: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        for field in fields {
            spans.append((bytes.count, field.utf8.count))
            bytes.append(contentsOf: field.utf8)
        }
        return bytes.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            let vectors = spans.map { iovec(iov_base: base + $0.start, iov_len: $0.count) }
            return sd_journal_sendv(vectors, Int32(vectors.count)) == 0
        }
    }
}
