import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore

extension DaemonProcessTests {
/// WhoIs authorization and rate limiting of a real daemon's sync port, with the
/// stand-in tailscaled answering for several loopback source addresses.
@Suite
struct SyncAuthorizationProcessTests {
    typealias Node = TailnetStandIn.Node

    /// Connects from `source`, asks `sync.peer_info`, and returns the answer and
    /// whether the connection was closed after it.
    static func ask(_ address: (host: String, port: Int), from source: String) throws -> (LineSocket.Answer, closed: Bool) {
        let client = try LineSocket(to: address.host, port: address.port, from: source)
        client.send(LineSocket.request("sync.peer_info", id: 1))
        guard let line = client.readLine() else { throw TestFailure("no answer from \(address) to \(source)") }
        let answer = try LineSocket.decode(line)
        client.send(LineSocket.request("sync.pull", id: 2))
        return (answer, client.readLine() == nil)
    }

    @Test func onlyPeersPassingEveryConfiguredCheckAreServed() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        try cluster.tailnet().update([
            Node(hostname: "good-host", ips: ["127.0.0.1", "127.0.0.6"], login: "bob@company.com", online: false),
            Node(hostname: "untagged-host", ips: ["127.0.0.2"], tags: [], login: "carol@company.com", online: false),
            Node(hostname: "other-host", ips: ["127.0.0.3"], login: "dave@company.com", online: false),
            Node(hostname: "evil-host", ips: ["127.0.0.4"], login: "mallory@evil.com", online: false),
        ])
        let s = try cluster.add("s", extra: ["THRUM_SECURITY_ALLOWED_PEERS": "good-host,untagged-host,evil-host",
                                             "THRUM_SECURITY_ALLOWED_DOMAINS": "company.com"])
        try s.start()
        try s.ok(["agent", "register", "served"])
        let port = try #require(cluster.ports["s"])

        let denials: [(source: String, line: String)] = [
            ("127.0.0.2", "[sync_auth] DENIED peer untagged-host (login: carol@company.com, tags: []): missing required tag (needs one of [tag:thrum-daemon])"),
            ("127.0.0.3", "[sync_auth] DENIED peer other-host (login: dave@company.com, tags: [tag:thrum-daemon]): host other-host is not in allowed peers [good-host, untagged-host, evil-host]"),
            ("127.0.0.4", "[sync_auth] DENIED peer evil-host (login: mallory@evil.com, tags: [tag:thrum-daemon]): login domain evil.com is not in allowed domains [company.com]"),
            ("127.0.0.5", "[sync_auth] DENIED peer 127.0.0.5 (login: -, tags: []): not a tailnet peer"),
        ]
        for denial in denials {
            let (answer, closed) = try Self.ask(("127.0.0.1", port), from: denial.source)
            #expect(answer.error?.code == 403, "\(denial.source)")
            #expect(answer.result == nil, "no sync data for \(denial.source)")
            #expect(closed, "the connection from \(denial.source) is closed after the refusal")
            #expect(s.process?.stderr.contains(denial.line) == true, "log line for \(denial.source)")
        }

        let (allowed, _) = try Self.ask(("127.0.0.1", port), from: "127.0.0.6")
        #expect(allowed.error == nil)
        #expect(allowed.result?.daemonID == (try s.json(ControlResults.Identity.self, ["identity"]).daemonID))
        #expect(s.process?.stderr.contains("[sync_auth] ALLOWED peer good-host (login: bob@company.com, tags: [tag:thrum-daemon])") == true)

        // A daemon on good-host (its connections come from 127.0.0.1) syncs.
        let c = try cluster.add("c")
        try c.start()
        try cluster.pair("c", "s")
        #expect(try c.json(SyncOutcomes.self, ["tsync", "force"]).peers.first?.error == nil)
        #expect(try c.json(AgentList.self, ["agent", "list"]).agents.map(\.name) == ["served"])
    }

    @Test func withoutTailscaledEveryoneIsDenied() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        let s = try cluster.add("s", extra: ["THRUM_TAILSCALE_SOCKET": cluster.root + "/no-tailscaled.sock"])
        try s.start()
        let (answer, closed) = try Self.ask(("127.0.0.1", try #require(cluster.ports["s"])), from: "127.0.0.1")
        #expect(answer.error?.code == 403)
        #expect(closed)
        let log = s.process?.stderr ?? ""
        #expect(log.contains("[sync_auth] DENIED peer 127.0.0.1 (login: -, tags: []): tailscaled unreachable: cannot reach tailscaled at \(cluster.root)/no-tailscaled.sock"))
    }

    @Test func aFloodingPeerIsRateLimitedWhileAWellBehavedOneKeepsSyncing() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        try cluster.tailnet().update([
            Node(hostname: "good-peer", ips: ["127.0.0.1"], online: false),
            Node(hostname: "flooder", ips: ["127.0.0.2"], online: false),
        ])
        let s = try cluster.add("s", extra: ["THRUM_SECURITY_RATE_LIMIT_ENABLED": "true",
                                             "THRUM_SECURITY_MAX_REQUESTS_PER_SEC": "10", "THRUM_SECURITY_BURST_SIZE": "20"])
        let g = try cluster.add("g")
        try s.start()
        try g.start()
        try s.ok(["agent", "register", "sender"])
        try cluster.pair("g", "s")
        let port = try #require(cluster.ports["s"])

        let flooder = try LineSocket(to: "127.0.0.1", port: port, from: "127.0.0.2")
        var limited = 0, served = 0, id = 0
        for round in 0..<3 {
            for _ in 0..<5 {
                // 200 requests back to back, then their 200 answers.
                flooder.send((0..<200).map { _ in id += 1; return LineSocket.request("sync.peer_info", id: id) }.joined())
                for _ in 0..<200 {
                    let answer = try LineSocket.decode(try #require(flooder.readLine()))
                    if let error = answer.error {
                        #expect(error.code == 429)
                        #expect((error.data?.retryAfterMs ?? 0) > 0, "429 says how long to wait")
                        limited += 1
                    } else {
                        served += 1
                    }
                }
            }
            try s.ok(["send", "--to", "@everyone", "round \(round)"], agent: "sender")
            let outcome = try g.json(SyncOutcomes.self, ["tsync", "force"]).peers.first
            #expect(outcome?.error == nil, "the well-behaved peer syncs in round \(round)")
        }
        #expect(limited >= 2_500, "limited \(limited), served \(served) of 3000")
        #expect(try cluster.health("g").eventCount == cluster.health("s").eventCount)
        #expect(try cluster.health("g").syncTraffic?.retryWaits == 0, "the well-behaved peer was never told to wait")
    }

    /// The sync port's connection log lines name the sync listener, not the control socket.
    @Test func syncPortConnectionsAreLoggedAsSync() throws {
        let cluster = SyncCluster()
        defer { cluster.cleanup() }
        try cluster.tailnet().update([Node(hostname: "good-host", ips: ["127.0.0.1"], online: false)])
        let s = try cluster.add("s")
        try s.start()
        let client = try LineSocket(to: "127.0.0.1", port: try #require(cluster.ports["s"]))
        // Far longer than the sync port's 64 KiB line limit: logged, and the connection closed.
        _ = client.send(String(repeating: "x", count: 1 << 20) + "\n")
        try eventuallyBlocking("the sync port logs the long line") {
            (s.process?.stderr ?? "").contains("sync: request line from 127.0.0.1:")
        }
        let line = (s.process?.stderr ?? "").split(separator: "\n").first { $0.contains("request line from 127.0.0.1:") }
        #expect(line?.contains("component=sync") == true, "\(line ?? "")")
        #expect(line?.contains("control") == false, "\(line ?? "")")
    }
}
}
