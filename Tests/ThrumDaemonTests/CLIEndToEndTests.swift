import ThrumTestSupport
import FoundationEssentials
import Testing
import ThrumControlAPI
import ThrumCore
import ThrumStore
#if canImport(Glibc)
import Glibc
#endif

extension DaemonProcessTests {
/// The CLI against a real daemon process in a temporary folder.
@Suite
struct CLIEndToEndTests {
    @Test func agentsExchangeMessagesAndReplies() throws {
        let d = DaemonFixture(name: "cli")
        defer { d.cleanup() }
        try d.start()

        try d.ok(["agent", "register", "alice", "--role", "planner"])
        try d.ok(["agent", "register", "bob"])
        let agents = try d.json(AgentList.self, ["agent", "list"])
        #expect(agents.agents.map(\.name).sorted() == ["alice", "bob"])
        #expect(agents.agents.first { $0.name == "alice" }?.role == "planner")

        let sent = try d.ok(["send", "--to", "@bob", "please review PR 12"], agent: "alice")
            .trimmed
        #expect(sent.hasPrefix("msg_"))

        let bobInbox = try d.json(MessageList.self, ["inbox", "--unread"], agent: "bob")
        #expect(bobInbox.messages.map(\.text) == ["please review PR 12"])
        let aliceAddress = try #require(bobInbox.messages.first?.from)
        #expect(aliceAddress.hasPrefix("alice@d_"), "a message names its author by full address")
        #expect(bobInbox.messages.first?.fromDisplay == "alice", "and shows the bare name while it is unambiguous")
        #expect(bobInbox.messages.first?.recipient?.hasPrefix("bob@d_") == true)
        // The sender does not see its own message in its inbox.
        #expect(try d.json(MessageList.self, ["inbox"], agent: "alice").messages.isEmpty)

        // Reply goes back to alice, threaded under the original.
        try d.ok(["reply", sent, "done, LGTM"], agent: "bob")
        let aliceInbox = try d.json(MessageList.self, ["inbox"], agent: "alice")
        #expect(aliceInbox.messages.map(\.text) == ["done, LGTM"])
        #expect(aliceInbox.messages.first?.replyTo == sent)
        #expect(aliceInbox.messages.first?.threadID == sent)

        // Reading marks read; --unread then shows nothing.
        try d.ok(["message", "read", sent], agent: "bob")
        #expect(try d.json(MessageList.self, ["inbox", "--unread"], agent: "bob").messages.isEmpty)

        // Text from stdin with "-".
        try d.ok(["send", "--to", "@bob", "-"], agent: "alice", stdin: "line one\nline two\n")
        let piped = try d.json(MessageList.self, ["inbox", "--unread"], agent: "bob")
        #expect(piped.messages.map(\.text) == ["line one\nline two"])
    }

    @Test func editDeleteGroupsAndEveryone() throws {
        let d = DaemonFixture(name: "grp")
        defer { d.cleanup() }
        try d.start()
        for name in ["alice", "bob", "carol"] { try d.ok(["agent", "register", name]) }

        try d.ok(["group", "create", "reviewers"], agent: "alice")
        try d.ok(["group", "join", "reviewers"], agent: "bob")
        let groups = try d.json(GroupList.self, ["group", "list"])
        #expect(groups.groups.first?.members.map { $0.split(separator: "@").first.map(String.init) ?? $0 }.sorted() == ["alice", "bob"])

        try d.ok(["send", "--to", "@reviewers", "group note"], agent: "alice")
        try d.ok(["send", "--to", "@everyone", "all hands"], agent: "alice")
        #expect(try d.json(MessageList.self, ["inbox"], agent: "bob").messages.map(\.text) == ["group note", "all hands"])
        #expect(try d.json(MessageList.self, ["inbox"], agent: "carol").messages.map(\.text) == ["all hands"])

        try d.ok(["group", "leave", "reviewers"], agent: "bob")
        try d.ok(["send", "--to", "@reviewers", "second note"], agent: "alice")
        #expect(!(try d.json(MessageList.self, ["inbox"], agent: "bob").messages.map(\.text).contains("second note")))

        let id = try d.ok(["send", "--to", "@carol", "typo hree"], agent: "alice").trimmed
        try d.ok(["message", "edit", id, "typo here"], agent: "alice")
        #expect(try d.json(MessageList.self, ["inbox"], agent: "carol").messages.last?.text == "typo here")
        // Only the author may edit or delete.
        let notAuthor = try d.cli(["message", "delete", id], agent: "carol")
        #expect(notAuthor.code == 1)
        #expect(notAuthor.stderr.contains("only the author"))
        try d.ok(["message", "delete", id], agent: "alice")
        #expect(!(try d.json(MessageList.self, ["inbox"], agent: "carol").messages.contains { $0.messageID == id }))
    }

    @Test func sessionsStartHeartbeatEnd() throws {
        let d = DaemonFixture(name: "ses")
        defer { d.cleanup() }
        try d.start()
        try d.ok(["agent", "register", "alice"])
        let noSession = try d.cli(["session", "end"], agent: "alice")
        #expect(noSession.code == 1)
        #expect(noSession.stderr.contains("no active session"))
        let started = try d.json(ControlResults.Written.self, ["session", "start", "--intent", "fix flaky test"], agent: "alice")
        #expect(started.sessionID?.hasPrefix("ses_") == true)
        let beat = try d.json(ControlResults.Written.self, ["session", "heartbeat"], agent: "alice")
        #expect(beat.sessionID == started.sessionID)
        let ended = try d.json(ControlResults.Written.self, ["session", "end"], agent: "alice")
        #expect(ended.sessionID == started.sessionID)
    }

    @Test func waitBlocksUntilAMessageArrives() throws {
        let d = DaemonFixture(name: "wait")
        defer { d.cleanup() }
        try d.start()
        try d.ok(["agent", "register", "alice"])
        try d.ok(["agent", "register", "bob"])

        let waiter = try d.spawn(["wait", "--timeout", "30s", "--json"], agent: "bob")
        try Self.eventuallyWaiting(1, d)
        #expect(waiter.isRunning, "wait must block while the inbox is empty")
        try d.ok(["send", "--to", "@bob", "wake up"], agent: "alice")
        #expect(try waiter.wait(timeout: .seconds(10)) == 0)
        let result = try JSONDecoder().decode(WaitResult.self, from: Data(waiter.stdout.utf8))
        #expect(result.message?.text == "wake up")
        #expect(result.timedOut == false)

        // The message was consumed: the next wait times out with exit 4.
        let timedOut = try d.cli(["wait", "--timeout", "200ms"], agent: "bob")
        #expect(timedOut.code == 4)
        #expect(timedOut.stderr.contains("no message within 200ms"))
    }

    @Test func aWaiterThatHangsUpDoesNotConsumeTheNextMessage() throws {
        let d = DaemonFixture(name: "hangup")
        defer { d.cleanup() }
        try d.start()
        try d.ok(["agent", "register", "alice"])
        try d.ok(["agent", "register", "bob"])
        let waiter = try d.spawn(["wait", "--timeout", "60s"], agent: "bob")
        try Self.eventuallyWaiting(1, d)
        waiter.signal(SIGKILL)
        try waiter.wait()
        // The daemon ends the dead client's wait; had it not, the wait would take the message below.
        try Self.eventuallyWaiting(0, d)
        try d.ok(["send", "--to", "@bob", "are you there?"], agent: "alice")
        let unread = try d.json(MessageList.self, ["inbox", "--unread"], agent: "bob")
        #expect(unread.messages.map(\.text) == ["are you there?"], "the dead waiter must not have marked it read")
    }

    @Test func errorsHaveMeaningfulExitCodes() throws {
        let d = DaemonFixture(name: "exit")
        defer { d.cleanup() }

        // No daemon: 69 with a hint.
        let down = try d.cli(["status"])
        #expect(down.code == 69)
        #expect(down.stderr.contains("systemctl status thrum"))

        // Bad configuration: the daemon refuses to start with 78 and names the variable.
        let bad = try d.cli(["daemon", "start"], environment: ["THRUM_TAILSCALE_PORT": "70000"])
        #expect(bad.code == 78)
        #expect(bad.stderr.contains("THRUM_TAILSCALE_PORT"))
        #expect(bad.stderr.contains("70000"))
        let badCheck = try d.cli(["config", "check"], environment: ["THRUM_SECURITY_REQUIRE_SIGNATURES": "maybe"])
        #expect(badCheck.code == 78)

        try d.start()
        // Usage errors: 2.
        #expect(try d.cli(["send", "hello"], agent: "alice").code == 2)
        #expect(try d.cli(["inbox"]).code == 2) // no agent given
        // Unknown agent: 1 with the fix.
        let unknown = try d.cli(["send", "--to", "@bob", "hi"], agent: "ghost")
        #expect(unknown.code == 1)
        #expect(unknown.stderr.contains("thrum agent register ghost"))
        try d.ok(["agent", "register", "alice"])
        let noRecipient = try d.cli(["send", "--to", "@nobody", "hi"], agent: "alice")
        #expect(noRecipient.code == 1)
        #expect(noRecipient.stderr.contains("no agent or group named \"nobody\""))
        // Address forms: an unknown host, another daemon's agent as the acting agent.
        let unknownHost = try d.cli(["send", "--to", "alice@nohost", "hi"], agent: "alice")
        #expect(unknownHost.code == 1)
        #expect(unknownHost.stderr.contains("no daemon with hostname \"nohost\" is known here"), "\(unknownHost.stderr)")
        let elsewhere = try d.cli(["send", "--to", "@everyone", "hi"], agent: "alice@d_aaaaaaaaaaaaaaaa")
        #expect(elsewhere.code == 77)
        #expect(elsewhere.stderr.contains("can only act from its own daemon"))
        let daemonID = try d.json(ControlResults.Identity.self, ["identity", "--json"]).daemonID
        #expect(try d.cli(["send", "--to", "@alice@\(daemonID)", "to myself by address"], agent: "alice@\(daemonID)").code == 0)
        let badName = try d.cli(["agent", "register", "bad name!"])
        #expect(badName.code == 2)
    }

    @Test func configCheckShowsValuesAndSources() throws {
        let d = DaemonFixture(name: "cfg")
        defer { d.cleanup() }
        try TestFiles.write(d.directory + "/thrum.env", """
            # test config
            THRUM_TAILSCALE_PORT=4300
            THRUM_SECURITY_REQUIRED_TAGS="tag:a,tag:b"
            THRUM_TAILSCALE_AUTH_KEY=tskey-secret-123
            """)
        let r = try d.cli(["config", "check"], environment: ["THRUM_SYNC_INTERVAL": "30s"])
        #expect(r.code == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("THRUM_TAILSCALE_PORT") && $0.contains("4300") && $0.contains("thrum.env") })
        #expect(lines.contains { $0.contains("THRUM_SYNC_INTERVAL") && $0.contains("30s") && $0.contains("environment") })
        #expect(lines.contains { $0.contains("THRUM_SECURITY_BURST_SIZE") && $0.contains("20") && $0.contains("default") })
        #expect(!r.stdout.contains("tskey-secret-123"), "secrets are never printed")
        // A typo in the file is an error naming the line.
        try TestFiles.write(d.directory + "/thrum.env", "THRUM_TAILSCALE_PROT=4300\n")
        let typo = try d.cli(["config", "check"])
        #expect(typo.code == 78)
        #expect(typo.stderr.contains("THRUM_TAILSCALE_PROT"))
    }

    @Test func shutdownOnSigtermRemovesTheSocket() throws {
        let d = DaemonFixture(name: "term")
        defer { d.cleanup() }
        try d.start()
        #expect(TestFiles.exists(d.socketPath))
        #expect(TestFiles.mode(d.socketPath) == 0o660)
        #expect(try d.stop() == 0)
        #expect(!TestFiles.exists(d.socketPath))
        // A second daemon on the same socket is refused while the first runs.
        try d.start()
        let second = try d.cli(["daemon", "start"])
        #expect(second.code == 1)
        #expect(second.stderr.contains("already listening"))
    }

    /// Waits until the daemon reports `count` calls of `thrum wait` waiting (`thrum metrics`).
    static func eventuallyWaiting(_ count: Double, _ d: DaemonFixture) throws {
        try eventuallyBlocking("\(Int(count)) waiting call(s) of thrum wait") {
            MetricsProcessTests.sample(try d.ok(["metrics"]), "thrum_message_waiters") == count
        }
    }
}
}
