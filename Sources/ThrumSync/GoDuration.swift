/// Durations written the way Go's `time.Duration.String` writes them ("5m0s",
/// "2m0s", "30s", "1.5s", "500ms"): the seed's log lines use that form, and
/// people grep for them.
public enum GoDuration {
    public static func format(seconds: Double) -> String {
        guard seconds.isFinite else { return seconds > 0 ? "+Inf" : seconds < 0 ? "-Inf" : "NaN" }
        let limit = Double(Int64.max) / 1e9
        let clamped = min(max(seconds, -limit), limit)
        return format(nanoseconds: Int64((clamped * 1e9).rounded()))
    }

    public static func format(_ duration: Duration) -> String {
        let (secs, attos) = duration.components
        let (nanos, overflow) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return format(seconds: Double(secs)) }
        return format(nanoseconds: nanos.addingReportingOverflow(attos / 1_000_000_000).partialValue)
    }

    public static func format(nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let sign = nanoseconds < 0 ? "-" : ""
        let u = nanoseconds.magnitude
        if u < 1_000_000_000 {
            // Below a second Go switches unit and keeps the fraction.
            if u < 1_000 { return "\(sign)\(u)ns" }
            if u < 1_000_000 { return sign + fraction(u, digits: 3) + "µs" }
            return sign + fraction(u, digits: 6) + "ms"
        }
        var text = fraction(u % 60_000_000_000, digits: 9) + "s"
        let minutesTotal = u / 60_000_000_000
        if minutesTotal > 0 {
            text = "\(minutesTotal % 60)m" + text
            let hours = minutesTotal / 60
            if hours > 0 { text = "\(hours)h" + text }
        }
        return sign + text
    }

    /// `value / 10^digits` in decimal, without trailing zeros or a bare point.
    private static func fraction(_ value: UInt64, digits: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let whole = value / scale
        var rest = value % scale
        guard rest != 0 else { return "\(whole)" }
        var width = digits
        while rest % 10 == 0 { rest /= 10; width -= 1 }
        let fractionText = String(rest)
        return "\(whole)." + String(repeating: "0", count: width - fractionText.count) + fractionText
    }
}
