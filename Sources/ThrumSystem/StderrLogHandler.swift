import Glibc
import Logging

/// Plain lines on stderr, `<level> message key=value ...`, for a terminal or
/// a supervisor other than systemd. No timestamp: the terminal or the
/// journal that collects stderr adds its own.
public struct StderrLogHandler: ThrumLogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level

    public init(logLevel: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.logLevel = logLevel
        self.metadataProvider = metadataProvider
    }

    public func log(event: LogEvent) {
        let merged = mergedMetadata(of: event)
        Self.write(Self.line(level: event.level, message: event.message, metadata: merged))
    }

    /// One record as a line ending in "\n": level, message, then the metadata
    /// sorted by key. Values with spaces, quotes, `=` or newlines are quoted so
    /// the line stays one line and splits back into the same pairs.
    public static func line(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata) -> String {
        var line = "\(level) \(message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(quotedIfNeeded("\(value)"))"
        }
        return line + "\n"
    }

    /// Writes the whole line with one write() where possible, so lines from
    /// concurrent tasks do not interleave.
    static func write(_ line: String) {
        // A failure to log has nowhere left to be reported.
        FileDescriptorIO.writeAll(STDERR_FILENO, Array(line.utf8))
    }

    private static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" || $0 == "\\" }
        guard needsQuotes else { return value }
        var quoted = "\""
        for character in value {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }
}
