import Logging
import Testing
import ThrumSystem

@Suite("stderr log lines")
struct StderrLogHandlerTests {
    @Test("a record is one line: level, message, sorted key=value pairs")
    func plainLine() {
        let line = StderrLogHandler.line(
            level: .info,
            message: "identity: generated new keys at /var/lib/thrum/identity.key",
            metadata: ["peer": "laptop", "component": "identity"])
        #expect(line == "info identity: generated new keys at /var/lib/thrum/identity.key component=identity peer=laptop\n")
    }

    @Test("values that would break the line or the pairs are quoted")
    func quotesAwkwardValues() {
        let line = StderrLogHandler.line(
            level: .error,
            message: "sync failed",
            metadata: ["reason": "connection refused", "detail": "a\nb", "quote": "say \"hi\"", "empty": ""])
        #expect(line == "error sync failed detail=\"a\\nb\" empty=\"\" quote=\"say \\\"hi\\\"\" reason=\"connection refused\"\n")
    }
}
