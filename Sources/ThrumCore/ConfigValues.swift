/// Strict parsers for configuration values. Each returns nil for a value that
/// does not fit, and the caller reports the variable, the value and what is allowed.
enum ConfigValueParser {
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: return nil
        }
    }

    static func port(_ text: String) -> Int? {
        guard let n = Int(text), (1...65535).contains(n) else { return nil }
        return n
    }

    static func positiveInt(_ text: String) -> Int? {
        guard let n = Int(text), n > 0 else { return nil }
        return n
    }

    static func positiveDouble(_ text: String) -> Double? {
        guard let n = Double(text), n > 0, n.isFinite else { return nil }
        return n
    }

    static func byteSize(_ text: String) -> Int? {
        let units: [(String, Int)] = [("MiB", 1 << 20), ("KiB", 1 << 10), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let n = Int(text.dropLast(suffix.count)), n > 0 else { return nil }
            return n * factor
        }
        return positiveInt(text)
    }

    /// Go-style durations: `300ms`, `30s`, `5m`, `1h30m`. Returns seconds.
    static func duration(_ text: String) -> Double? {
        var total = 0.0
        var number = ""
        var sawUnit = false
        var chars = Array(text)
        if chars.isEmpty { return nil }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isNumber || c == "." {
                number.append(c)
                i += 1
                continue
            }
            guard let value = Double(number) else { return nil }
            let factor: Double
            if c == "m", i + 1 < chars.count, chars[i + 1] == "s" {
                factor = 0.001
                i += 2
            } else {
                switch c {
                case "h": factor = 3600
                case "m": factor = 60
                case "s": factor = 1
                default: return nil
                }
                i += 1
            }
            total += value * factor
            number = ""
            sawUnit = true
        }
        chars.removeAll()
        guard sawUnit, number.isEmpty, total > 0 else { return nil }
        return total
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }

    static func path(_ text: String) -> String? {
        text.hasPrefix("/") ? text : nil
    }

    static func hostPort(_ text: String) -> HostPort? { HostPort(parsing: text) }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

/// `host:port`, with `[v6]:port` for IPv6 literals.
public struct HostPort: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    public init?(parsing text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil } // unbracketed IPv6
        }
        guard !host.isEmpty, let port = ConfigValueParser.port(String(portText)) else { return nil }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Go-style duration text (`300ms`, `30s`, `5m`, `1h30m`), as the seed's logs and
/// the configuration use it.
public enum DurationText {
    /// Seconds, or nil when the text is not a positive duration (`300ms`, `30s`, `5m`, `1h30m`, `1d`).
    public static func parse(_ text: String) -> Double? {
        ConfigValueParser.durationOrNever(text).flatMap { $0 > 0 ? $0 : nil }
    }
}
