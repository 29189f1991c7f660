"""`thrum mcp serve` fed raw lines on stdin: malformed input gets JSON-RPC
errors, the server keeps serving, and stdout carries protocol messages only."""

import json
import select
import subprocess

import pytest

from conftest import THRUM

# A bound on how long to wait for a line, so a broken server fails the test instead of hanging it.
READ_LIMIT_SECONDS = 30


class RawServer:
    def __init__(self, daemon, agent="alice"):
        self.stderr = open(daemon.root / f"raw-{agent}.log", "ab")
        self.process = subprocess.Popen([THRUM, "mcp", "serve", "--agent", agent], env=daemon.mcp_env(),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self.buffer = b""

    def send(self, line):
        data = line if isinstance(line, bytes) else (line if isinstance(line, str) else json.dumps(line)).encode()
        self.process.stdin.write(data + b"\n")
        self.process.stdin.flush()

    def receive(self):
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.process.stdout], [], [], READ_LIMIT_SECONDS)
            assert ready, "the server sent no line"
            chunk = self.process.stdout.read1(65536)
            assert chunk, "the server closed stdout"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        message = json.loads(line)  # every stdout line is one JSON message
        assert message["jsonrpc"] == "2.0"
        return message

    def request(self, id, method, params=None):
        message = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.receive()

    def initialize(self, version="2025-11-25"):
        answer = self.request(0, "initialize", {"protocolVersion": version, "capabilities": {},
                                                 "clientInfo": {"name": "raw-test", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return answer

    def close(self):
        """Closes stdin and returns the exit status and whatever else came on stdout."""
        self.process.stdin.close()
        rest = self.process.stdout.read()
        status = self.process.wait(timeout=READ_LIMIT_SECONDS)
        self.stderr.close()
        return status, self.buffer + rest


@pytest.fixture
def server(daemon):
    s = RawServer(daemon)
    yield s
    if s.process.poll() is None:
        s.process.kill()
        s.process.wait()


def error_code(answer):
    assert "error" in answer, answer
    return answer["error"]["code"]


def test_requests_before_initialize_are_refused_but_ping_works(server):
    assert error_code(server.request(1, "tools/list")) == -32002
    assert error_code(server.request(2, "tools/call", {"name": "list_agents"})) == -32002
    assert server.request(3, "ping") == {"jsonrpc": "2.0", "id": 3, "result": {}}
    assert "result" in server.initialize()
    assert len(server.request(4, "tools/list")["result"]["tools"]) == 12


def test_malformed_input_gets_errors_and_the_server_keeps_serving(server):
    server.initialize()
    cases = [
        (b"this is not json", -32700),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list"', -32700),
        (b"[1, 2, 3]", -32600),
        (b'"just a string"', -32600),
        (b'{"jsonrpc": "1.0", "id": 2, "method": "ping"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 3, "method": 42}', -32600),
        (b'{"jsonrpc": "2.0", "id": 4}', -32600),
        (b'{"jsonrpc": "2.0", "id": 5, "method": "resources/list"}', -32601),
        (b'{"jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": {"name": 7}}', -32602),
        (b'{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": "send_message"}', -32602),
        (b'{"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {}}', -32602),
        (b'{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "no_such_tool"}}', -32602),
        (b'{"jsonrpc": "2.0", "id": 10, "method": "initialize", "params": {"protocolVersion": "2025-06-18"}}', -32600),
        (b"\xff\xfe not utf-8", -32700),
    ]
    for line, code in cases:
        server.send(line)
        answer = server.receive()
        assert error_code(answer) == code, (line, answer)
        assert answer["error"]["message"]
    # Ids are echoed when they could be read.
    server.send(b'{"jsonrpc": "2.0", "id": "abc", "method": "nope"}')
    assert server.receive()["id"] == "abc"
    # Arguments of the wrong type are the tool's error, for the agent to fix.
    bad = server.request(11, "tools/call", {"name": "send_message", "arguments": {"to": ["bob"], "text": 1}})
    assert bad["result"]["isError"] is True
    assert "to" in bad["result"]["content"][0]["text"]
    # Still serving.
    assert {t["name"] for t in server.request(12, "tools/list")["result"]["tools"]} >= {"send_message", "wait_for_message"}
    status, rest = server.close()
    assert status == 0 and rest == b""


def test_notifications_and_stray_responses_get_no_answer(server):
    server.initialize()
    server.send({"jsonrpc": "2.0", "method": "notifications/unknown", "params": {"x": 1}})
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": "not an object"})
    server.send({"jsonrpc": "2.0", "id": 99, "result": {}})
    server.send(b"   ")
    # The next line out is the ping's answer: nothing was said to the lines above.
    assert server.request(1, "ping") == {"jsonrpc": "2.0", "id": 1, "result": {}}


@pytest.mark.parametrize("asked,answered,structured", [
    ("2025-11-25", "2025-11-25", True),
    ("2025-06-18", "2025-06-18", True),
    ("2025-03-26", "2025-03-26", False),
    ("2024-11-05", "2024-11-05", False),
    ("2026-07-28", "2025-11-25", True),
    ("1999-01-01", "2025-11-25", True),
])
def test_protocol_version_negotiation(server, asked, answered, structured):
    init = server.initialize(asked)["result"]
    assert init["protocolVersion"] == answered
    assert init["serverInfo"]["name"] == "thrum"
    assert init["capabilities"]["tools"] == {"listChanged": False}
    tools = server.request(1, "tools/list")["result"]["tools"]
    assert len(tools) == 12
    # An output schema is declared exactly where results carry structuredContent to match it.
    assert all(("outputSchema" in tool) == structured for tool in tools)
    result = server.request(2, "tools/call", {"name": "list_agents", "arguments": {}})["result"]
    assert result["isError"] is False
    assert ("structuredContent" in result) == structured
    assert result["content"][0]["type"] == "text" and "alice" in result["content"][0]["text"]
    if structured:
        # Then a second text block carries the same structured content as JSON.
        assert [block["type"] for block in result["content"]] == ["text", "text"]
        assert json.loads(result["content"][1]["text"]) == result["structuredContent"]
    else:
        assert len(result["content"]) == 1


def test_a_cancelled_wait_is_not_answered_and_other_requests_go_on(server):
    server.initialize()
    server.request(1, "tools/call", {"name": "list_agents"})  # the agent is set up
    server.send({"jsonrpc": "2.0", "id": "w", "method": "tools/call",
                 "params": {"name": "wait_for_message", "arguments": {"timeout_seconds": 600}}})
    # While the wait is pending, other requests are answered.
    assert server.request(2, "ping")["id"] == 2
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "w", "reason": "test"}})
    assert server.request(3, "tools/call", {"name": "check_inbox"})["id"] == 3
    status, rest = server.close()
    assert status == 0
    assert b'"w"' not in rest, rest


def test_closing_stdin_cuts_a_pending_wait_short_and_exits(server, daemon):
    server.initialize()
    server.send({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                 "params": {"name": "wait_for_message", "arguments": {"timeout_seconds": 3600}}})
    assert server.request(2, "ping")["id"] == 2
    status, _ = server.close()
    assert status == 0
    ended = daemon.cli("session", "heartbeat", "--agent", "alice", check=False)
    assert ended.returncode != 0 and "no active session" in ended.stderr


def test_an_overlong_line_is_refused_and_skipped(server):
    server.initialize()
    server.send(b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "' + b"x" * (17 << 20) + b'"}}')
    answer = server.receive()
    assert error_code(answer) == -32600 and "longer than" in answer["error"]["message"]
    assert server.request(2, "ping")["id"] == 2


def test_without_an_agent_it_refuses_to_start_and_says_how_to_name_one(daemon):
    env = daemon.mcp_env()
    env.pop("THRUM_AGENT", None)
    result = subprocess.run([THRUM, "mcp", "serve"], env=env, input=b"", capture_output=True, timeout=READ_LIMIT_SECONDS)
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"--agent" in result.stderr and b"THRUM_AGENT" in result.stderr


ENVELOPE = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "raw-test", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}


def test_discover_and_enveloped_requests_need_no_initialize(server):
    found = server.request(1, "server/discover", {"_meta": ENVELOPE})["result"]
    assert "2026-07-28" in found["supportedVersions"] and "2025-11-25" in found["supportedVersions"]
    assert found["resultType"] == "complete"
    assert found["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "thrum"
    assert "alice" in found["instructions"]
    tools = server.request(2, "tools/list", {"_meta": ENVELOPE})["result"]
    assert len(tools["tools"]) == 12 and all("outputSchema" in tool for tool in tools["tools"])
    result = server.request(3, "tools/call", {"name": "list_agents", "arguments": {}, "_meta": ENVELOPE})["result"]
    assert result["isError"] is False and result["resultType"] == "complete" and "structuredContent" in result
    # Without an envelope and without initialize, the handshake rules still hold.
    assert error_code(server.request(4, "tools/list")) == -32002
    # The revision has no ping and no initialize.
    assert error_code(server.request(5, "ping", {"_meta": ENVELOPE})) == -32601
    assert error_code(server.request(6, "initialize", {"_meta": ENVELOPE, "protocolVersion": "2025-11-25"})) == -32600
    assert "result" in server.initialize()


@pytest.mark.parametrize("named", ["2025-11-25", "2099-01-01", "nonsense"])
def test_an_envelope_naming_an_unsupported_revision_is_refused(server, named):
    for id, method in enumerate(["server/discover", "tools/list", "subscriptions/listen"]):
        answer = server.request(id, method, {"_meta": {**ENVELOPE, "io.modelcontextprotocol/protocolVersion": named},
                                             "notifications": {}})
        assert error_code(answer) == -32022
        assert answer["error"]["data"]["requested"] == named
        assert "2026-07-28" in answer["error"]["data"]["supported"]
    bad = server.request(9, "tools/list", {"_meta": {"io.modelcontextprotocol/protocolVersion": 7}})
    assert error_code(bad) == -32602


def test_a_listen_stream_is_acknowledged_and_ends_when_stdin_closes(server):
    server.send({"jsonrpc": "2.0", "id": "listen-1", "method": "subscriptions/listen",
                 "params": {"notifications": {"resourceSubscriptions": ["thrum://inbox", "thrum://elsewhere"],
                                              "toolsListChanged": True}, "_meta": ENVELOPE}})
    ack = server.receive()
    assert ack["method"] == "notifications/subscriptions/acknowledged"
    assert ack["params"]["notifications"] == {"resourceSubscriptions": ["thrum://inbox"]}
    assert ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == "listen-1"
    assert error_code(server.request(1, "subscriptions/listen", {"_meta": ENVELOPE, "notifications": 3})) == -32602
    status, rest = server.close()
    assert status == 0
    # The stream's graceful end: the listen request's result.
    assert json.loads(rest.split(b"\n")[0])["id"] == "listen-1"


def test_a_cancelled_listen_is_not_answered_and_takes_no_later_message(server, daemon):
    import time

    daemon.cli("agent", "register", "bob")
    server.send({"jsonrpc": "2.0", "id": "listen-2", "method": "subscriptions/listen",
                 "params": {"notifications": {"resourceSubscriptions": ["thrum://inbox"]}, "_meta": ENVELOPE}})
    assert server.receive()["method"] == "notifications/subscriptions/acknowledged"
    # The listener registers the agent and settles into its long poll; then it is cancelled there.
    for _ in range(100):
        if "alice" in {a["name"] for a in daemon.cli_json("agent", "list")["agents"]}:
            break
        time.sleep(0.05)
    time.sleep(0.5)
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "listen-2"}})
    time.sleep(0.5)
    daemon.cli("send", "--agent", "bob", "--to", "@alice", "after the cancel")
    time.sleep(1)
    # The next line out answers this request: the cancelled stream pushed nothing and got no answer.
    assert server.request(1, "tools/list", {"_meta": ENVELOPE})["id"] == 1
    unread = daemon.cli_json("inbox", "--agent", "alice")["messages"]
    assert [m["text"] for m in unread] == ["after the cancel"]
