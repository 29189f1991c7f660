extension ConfigValueParser {
    /// A duration that may lead with whole days (`7d`, `1d12h`, `36h`, `90m`), or `0`
    /// for "never". Returns seconds, 0 meaning never; nil when the text fits neither.
    static func durationOrNever(_ text: String) -> Double? {
        if text == "0" { return 0 }
        guard let d = text.firstIndex(of: "d") else { return duration(text) }
        guard let days = Int(text[..<d]), days >= 0 else { return nil }
        let rest = text[text.index(after: d)...]
        let restSeconds = rest.isEmpty ? 0 : duration(String(rest))
        guard let restSeconds, case let total = Double(days) * 86400 + restSeconds, total > 0 else { return nil }
        return total
    }
}
