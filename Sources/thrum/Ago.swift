import ThrumCore
import FoundationEssentials

/// "30s ago", "2m ago": how people read times in status output.
enum Ago {
    static func format(seconds: Int) -> String { Timestamp.age(seconds: seconds) }

    static func since(_ timestamp: String) -> String {
        Timestamp.age(of: timestamp).map { $0 + " ago" } ?? timestamp
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
