import ThrumCore
import FoundationEssentials

/// "30s ago", "2m ago": how people read times in status output.
enum Ago {
    static func format(seconds: Int) -> String {
        switch seconds {
        case ..<60: return "\(max(seconds, 0))s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h\((seconds % 3600) / 60)m"
        default: return "\(seconds / 86400)d"
        }
    }

    static func since(_ timestamp: String) -> String {
        guard let date = Timestamp.parse(timestamp) else { return timestamp }
        return format(seconds: Int(Date().timeIntervalSince(date))) + " ago"
    }
}

/// Plain aligned columns for people; scripts use --json.
enum Table {
    static func print(_ header: [String], _ rows: [[String]]) {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] + 2 - cell.count)
            }.joined()
        }
        Swift.print(line(header))
        for row in rows { Swift.print(line(row)) }
    }
}
