extension EventStore {
    /// A deterministic text dump of every projection table (not the local read marks), rows in
    /// key order, so two stores that applied the same events can be compared as strings.
    public func projectionSnapshot() throws(StoreError) -> String {
        try withConnection { (connection) throws(StoreError) -> String in
            var text = ""
            for table in Schema.projectionTables {
                text += "[\(table.name)]\n"
                try connection.forEachRow("SELECT * FROM \(table.name) ORDER BY \(table.orderBy)") { row in
                    let fields = (0..<row.columnCount).map { Self.render(row.value($0)) }
                    text += fields.joined(separator: "\t") + "\n"
                    return true
                }
            }
            return text
        }
    }

    /// Quotes text so that tabs and newlines inside values cannot make two dumps look alike.
    private static func render(_ value: SQLValue) -> String {
        switch value {
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let text): return String(reflecting: text)
        case .blob(let bytes): return "blob(\(bytes.count))"
        case .null: return "NULL"
        }
    }
}
