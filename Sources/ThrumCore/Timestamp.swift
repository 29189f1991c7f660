import FoundationEssentials

/// RFC 3339 UTC timestamps with milliseconds, the envelope's `timestamp`.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let styleWithoutFraction = Date.ISO8601FormatStyle()

    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String { style.format(date) }

    /// Accepts RFC 3339 in UTC with or without fractional seconds; nil otherwise.
    public static func parse(_ text: String) -> Date? {
        if let milliseconds = CanonicalTimestamp.milliseconds(text) {
            return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        }
        return (try? style.parse(text)) ?? (try? styleWithoutFraction.parse(text))
    }

    /// A time as whole milliseconds since 1970, the order key the store keeps beside each event.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A coarse age for people: "30s", "4m", "2h5m", "3d".
    public static func age(seconds: Int) -> String {
        let seconds = max(seconds, 0)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        default: return "\(seconds / 86400)d"
        }
    }

    /// The age of an RFC 3339 timestamp, or nil when it does not parse.
    public static func age(of text: String, now: Date = Date()) -> String? {
        parse(text).map { age(seconds: Int(now.timeIntervalSince($0))) }
    }
}
