import Logging
import Testing
import ThrumSystem

@Suite("journald fields")
struct JournalLogHandlerTests {
    @Test("a record with metadata becomes exactly these journal fields")
    func exactFieldList() {
        let fields = JournalLogHandler.fields(
            level: .warning,
            message: "[sync_auth] DENIED 100.64.0.7: not in allowed peers",
            metadata: [
                "component": "sync_auth",
                "peer": "laptop.tail1234.ts.net",
                "daemon_id": "d_01J9ZQ",
                "event_id": "01J9ZQ3K",
                "remote-addr": "100.64.0.7:4200",
                "reason": "first line\nsecond line",
            ],
            file: "ThrumSync/Authorizer.swift",
            function: "authorize(_:)",
            line: 42)

        #expect(fields == [
            "MESSAGE=[sync_auth] DENIED 100.64.0.7: not in allowed peers",
            "PRIORITY=4",
            "SYSLOG_IDENTIFIER=thrum",
            "CODE_FILE=ThrumSync/Authorizer.swift",
            "CODE_LINE=42",
            "CODE_FUNC=authorize(_:)",
            "THRUM_COMPONENT=sync_auth",
            "THRUM_DAEMON_ID=d_01J9ZQ",
            "THRUM_EVENT_ID=01J9ZQ3K",
            "THRUM_PEER=laptop.tail1234.ts.net",
            "THRUM_REASON=first line\nsecond line",
            "THRUM_REMOTE_ADDR=100.64.0.7:4200",
        ])
    }

    @Test("a record without metadata has only the standard fields")
    func standardFieldsOnly() {
        let fields = JournalLogHandler.fields(level: .info, message: "ready", metadata: [:], file: "F.swift", function: "f()", line: 1)
        #expect(fields == ["MESSAGE=ready", "PRIORITY=6", "SYSLOG_IDENTIFIER=thrum", "CODE_FILE=F.swift", "CODE_LINE=1", "CODE_FUNC=f()"])
    }

    @Test("swift-log levels map to syslog priorities", arguments: [
        (Logger.Level.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2),
    ])
    func priorityMapping(level: Logger.Level, priority: Int) {
        #expect(JournalLogHandler.priority(of: level) == priority)
        let fields = JournalLogHandler.fields(level: level, message: "m", metadata: [:], file: "f", function: "g", line: 1)
        #expect(fields.contains("PRIORITY=\(priority)"))
    }

    @Test("metadata keys become valid journal field names", arguments: [
        ("component", "THRUM_COMPONENT"),
        ("daemon_id", "THRUM_DAEMON_ID"),
        ("error.message", "THRUM_ERROR_MESSAGE"),
        ("peer-addr", "THRUM_PEER_ADDR"),
        ("naïve key", "THRUM_NA_VE_KEY"),
        (String(repeating: "k", count: 100), "THRUM_" + String(repeating: "K", count: 58)),
    ])
    func fieldNames(key: String, field: String) {
        #expect(JournalLogHandler.fieldName(forMetadataKey: key) == field)
    }
}
