import FoundationEssentials

/// RFC 3339 UTC timestamps with milliseconds, the envelope's `timestamp`.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let styleWithoutFraction = Date.ISO8601FormatStyle()

    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String { style.format(date) }

    /// Accepts RFC 3339 in UTC with or without fractional seconds; nil otherwise.
    public static func parse(_ text: String) -> Date? {
        (try? style.parse(text)) ?? (try? styleWithoutFraction.parse(text))
    }
}
