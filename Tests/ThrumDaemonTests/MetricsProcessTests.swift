import ThrumTestSupport
import Testing

extension DaemonProcessTests {
/// `/metrics`, `/healthz` and `thrum metrics` on a real daemon process.
@Suite
struct MetricsProcessTests {
    /// The value of the sample whose name and labels are `key`, e.g. `thrum_log_events{origin="local"}`.
    static func sample(_ text: String, _ key: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(key + " ") }.flatMap { Double($0.dropFirst(key.count + 1)) }
    }

    /// One HTTP/1.1 exchange on a fresh connection: the status line, headers and body.
    static func http(_ method: String, _ path: String, port: Int) throws -> (status: String, head: [String], body: String) {
        let client = try LineSocket(to: "127.0.0.1", port: port)
        client.send("\(method) \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        var lines: [String] = []
        while let line = client.readLine() { lines.append(line) }
        guard let blank = lines.firstIndex(of: "\r") else { throw TestFailure("no HTTP answer: \(lines)") }
        let head = lines[..<blank].map { String($0.dropLast()) }
        return (head.first ?? "", Array(head.dropFirst()), lines[(blank + 1)...].map { $0 + "\n" }.joined())
    }

    @Test func writesMoveTheCountersAndHTTPServesTheSameText() async throws {
        let port = try FreePort.next()
        let d = DaemonFixture(name: "metrics", environment: ["THRUM_METRICS_LISTEN": "127.0.0.1:\(port)"])
        defer { d.cleanup() }
        try d.start()
        // The control socket answers first; the metrics listener is up by READY=1, a moment later.
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? Self.http("GET", "/healthz", port: port)) == nil {
            guard ContinuousClock.now < deadline else { throw TestFailure("/healthz never answered: \(d.process?.stderr ?? "")") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let before = try d.ok(["metrics"])
        #expect(Self.sample(before, "thrum_writes_total") == 0)
        #expect(Self.sample(before, "thrum_write_duration_seconds_count") == 0)
        #expect(Self.sample(before, "thrum_write_commits_total") == 0)

        try d.ok(["agent", "register", "alice"])
        try d.ok(["send", "--to", "@alice", "note to self"], agent: "alice")
        let after = try d.ok(["metrics"])
        #expect(Self.sample(after, "thrum_writes_total") == 2)
        #expect(Self.sample(after, "thrum_write_duration_seconds_count") == 2)
        // One write at a time: a commit each.
        #expect(Self.sample(after, "thrum_write_commits_total") == 2)
        #expect(Self.sample(after, "thrum_writes_waiting") == 0)
        #expect(Self.sample(after, #"thrum_log_events{origin="local"}"#) == 2)
        #expect(Self.sample(after, #"thrum_log_events{origin="relayed"}"#) == 0)

        let scraped = try Self.http("GET", "/metrics", port: port)
        #expect(scraped.status == "HTTP/1.1 200 OK")
        #expect(scraped.head.contains("content-type: text/plain; version=0.0.4; charset=utf-8"))
        #expect(Self.sample(scraped.body, "thrum_writes_total") == 2)
        #expect(Self.sample(scraped.body, #"thrum_open_connections{listener="metrics"}"#) == 1, "this scrape")

        let health = try Self.http("GET", "/healthz", port: port)
        #expect(health.status == "HTTP/1.1 200 OK")
        #expect(health.body == "ok\n")
        let posted = try Self.http("POST", "/metrics", port: port)
        #expect(posted.status == "HTTP/1.1 405 Method Not Allowed")
        #expect(posted.head.contains("allow: GET"))
        #expect(try Self.http("GET", "/metrics/../etc", port: port).status == "HTTP/1.1 404 Not Found")
    }

    @Test func thrumMetricsExitsLikeTheOtherCommandsAndABadListenAddressStopsStartUp() throws {
        let d = DaemonFixture(name: "mexit")
        defer { d.cleanup() }
        let down = try d.cli(["metrics"])
        #expect(down.code == 69)
        #expect(down.stderr.contains("systemctl status thrum"))

        let bad = try d.cli(["daemon", "start"], environment: ["THRUM_METRICS_LISTEN": ":9464"])
        #expect(bad.code == 78)
        #expect(bad.stderr.contains(#"THRUM_METRICS_LISTEN=":9464""#))
        #expect(bad.stderr.contains("HOST:PORT"))
    }
}
}
