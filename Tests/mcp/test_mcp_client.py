"""`thrum mcp serve` driven by the official MCP Python client against real daemons."""

import anyio
import pytest
from jsonschema import Draft202012Validator
from mcp import types

from mcp_client import (ENVELOPE_PROTOCOL, NEWEST_PROTOCOL, ProtocolError, input_schema, is_error, json_block, mcp_client,
                        mcp_session, structured, text_of)

TOOLS = {"send_message", "reply", "check_inbox", "wait_for_message", "list_agents", "sync_status", "acknowledge",
         "message_status", "claim", "release_claim", "list_claims", "check_paths"}


def run(coro_fn):
    return anyio.run(coro_fn)


def test_initialize_negotiates_and_lists_every_tool_with_a_schema(daemon):
    async def body():
        async with mcp_session(daemon.mcp_env("alice"), errlog=daemon.root / "mcp.log") as session:
            init = await session.initialize()
            assert init.server_info.name == "thrum"
            assert init.protocol_version == NEWEST_PROTOCOL
            assert init.capabilities.tools is not None
            assert "alice" in (init.instructions or "")
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert set(tools) == TOOLS
            for tool in tools.values():
                assert input_schema(tool)["type"] == "object"
                assert tool.output_schema["type"] == "object"
                Draft202012Validator.check_schema(tool.output_schema)
                assert tool.description
            assert set(input_schema(tools["send_message"])["required"]) == {"to", "text"}
            assert set(input_schema(tools["reply"])["required"]) == {"message_id", "text"}
            assert "timeout_seconds" in input_schema(tools["wait_for_message"])["properties"]
            await session.send_ping()

    run(body)


def test_every_tool_returns_structured_content_that_the_client_validates(daemon):
    daemon.cli("agent", "register", "bob")

    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as session:
            assert (await session.initialize()).protocol_version == NEWEST_PROTOCOL
            schemas = {tool.name: tool.output_schema for tool in (await session.list_tools()).tools}
            # call_tool checks each result against these schemas and raises when one does not match.
            results = {"send_message": await session.call_tool("send_message", {"to": "bob", "text": "hi"})}
            daemon.cli("send", "--agent", "bob", "--to", "@alice", "first")
            results["check_inbox"] = await session.call_tool("check_inbox", {"unread_only": False})
            daemon.cli("send", "--agent", "bob", "--to", "@alice", "second")
            results["wait_for_message"] = await session.call_tool("wait_for_message", {"timeout_seconds": 30})
            message_id = structured(results["wait_for_message"])["message"]["message_id"]
            results["reply"] = await session.call_tool("reply", {"message_id": message_id, "text": "thanks"})
            results["list_agents"] = await session.call_tool("list_agents", {})
            results["sync_status"] = await session.call_tool("sync_status", {})
            results["acknowledge"] = await session.call_tool("acknowledge", {"message_id": message_id, "note": "got it"})
            results["message_status"] = await session.call_tool("message_status", {"message_id": message_id})
            results["claim"] = await session.call_tool("claim", {"patterns": ["src/**"], "project": "acme"})
            results["list_claims"] = await session.call_tool("list_claims", {"project": "acme"})
            results["check_paths"] = await session.call_tool("check_paths", {"paths": ["src/a"], "project": "acme"})
            results["release_claim"] = await session.call_tool("release_claim", {"all": True})
            assert set(results) == TOOLS

            for name, result in results.items():
                assert not is_error(result), (name, text_of(result))
                assert isinstance(structured(result), dict), name
                Draft202012Validator(schemas[name]).validate(structured(result))
                assert json_block(result) == structured(result), name
                assert not text_of(result).startswith("{"), "the model's text comes first"
            assert structured(results["reply"])["reply_to"] == message_id
            assert [m["text"] for m in structured(results["check_inbox"])["messages"]] == ["first"]

            # The client's check is armed with these schemas: results that break them are refused.
            sent = structured(results["send_message"])
            for wrong in ({**sent, "message_id": 42}, {**sent, "unexpected": True},
                          {k: v for k, v in sent.items() if k != "event_id"}):
                with pytest.raises(RuntimeError, match="send_message"):
                    await session.validate_tool_result(
                        "send_message", types.CallToolResult(content=[], structured_content=wrong))
            with pytest.raises(RuntimeError, match="did not return structured content"):
                await session.validate_tool_result("send_message", types.CallToolResult(content=[]))

    run(body)


def test_agent_is_registered_with_a_session_that_ends_when_stdin_closes(daemon):
    async def body():
        async with mcp_session(daemon.mcp_env(), "--agent", "planner") as session:
            await session.initialize()
            names = [a["name"] for a in daemon.cli_json("agent", "list")["agents"]]
            assert "planner" in names
            # A heartbeat succeeds only while the agent has an active session.
            daemon.cli("session", "heartbeat", "--agent", "planner")

    run(body)
    ended = daemon.cli("session", "heartbeat", "--agent", "planner", check=False)
    assert ended.returncode != 0
    assert "no active session" in ended.stderr


def test_each_tool_against_a_real_daemon(daemon):
    daemon.cli("agent", "register", "bob", "--role", "reviewer")

    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as session:
            await session.initialize()

            sent = await session.call_tool("send_message", {"to": "bob", "text": "please review PR 42"})
            assert not is_error(sent), text_of(sent)
            message_id = structured(sent)["message_id"]
            assert message_id.startswith("msg_") and message_id in text_of(sent)
            bob_inbox = daemon.cli_json("inbox", "--agent", "bob")["messages"]
            assert [(m["message_id"], m["from_display"], m["text"]) for m in bob_inbox] == [(message_id, "alice", "please review PR 42")]

            agents = await session.call_tool("list_agents", {})
            assert not is_error(agents)
            assert {a["name"] for a in structured(agents)["agents"]} >= {"alice", "bob"}
            assert "bob (reviewer)" in text_of(agents)

            status = await session.call_tool("sync_status", {})
            assert not is_error(status)
            assert structured(status)["daemon_id"] == daemon.cli_json("status")["daemon_id"]
            assert "tailscale_sync" in structured(status)
            assert "Tailscale sync" in text_of(status)

            empty = await session.call_tool("check_inbox", {})
            assert not is_error(empty) and structured(empty)["messages"] == []
            assert "No unread messages" in text_of(empty)

            answer_id = daemon.cli("reply", "--agent", "bob", message_id, "looks good").stdout.strip()
            inbox = await session.call_tool("check_inbox", {})
            assert [m["message_id"] for m in structured(inbox)["messages"]] == [answer_id]
            assert "looks good" in text_of(inbox)
            again = await session.call_tool("check_inbox", {})
            assert structured(again)["messages"] == [], "check_inbox marks what it returns read"
            everything = await session.call_tool("check_inbox", {"unread_only": False})
            assert [m["message_id"] for m in structured(everything)["messages"]] == [answer_id]

            replied = await session.call_tool("reply", {"message_id": answer_id, "text": "merging"})
            assert not is_error(replied), text_of(replied)
            reply_id = structured(replied)["message_id"]
            bob_reply = [m for m in daemon.cli_json("inbox", "--agent", "bob")["messages"] if m["message_id"] == reply_id]
            assert bob_reply and bob_reply[0]["reply_to"] == answer_id and bob_reply[0]["text"] == "merging"

            nothing = await session.call_tool("wait_for_message", {"timeout_seconds": 0})
            assert not is_error(nothing)
            assert structured(nothing)["timed_out"] is True
            daemon.cli("send", "--agent", "bob", "--to", "@alice", "ping from bob")
            waiting = await session.call_tool("wait_for_message", {"timeout_seconds": 30})
            assert structured(waiting)["timed_out"] is False
            assert structured(waiting)["message"]["text"] == "ping from bob"

    run(body)


def test_tool_failures_are_error_results_an_agent_can_act_on(make_daemon):
    daemon = make_daemon("small", {"THRUM_SECURITY_MAX_MESSAGE_SIZE": "1024"})

    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as session:
            await session.initialize()

            unknown = await session.call_tool("send_message", {"to": "@nobody", "text": "hello?"})
            assert is_error(unknown)
            assert "nobody" in text_of(unknown) and "list_agents" in text_of(unknown)

            too_long = await session.call_tool("send_message", {"to": "alice", "text": "x" * 2000})
            assert is_error(too_long)
            assert "1024" in text_of(too_long) and "limit" in text_of(too_long)

            no_such = await session.call_tool("reply", {"message_id": "msg_01J0000000000000000000000", "text": "hi"})
            assert is_error(no_such) and "check_inbox" in text_of(no_such)

            bad_type = await session.call_tool("send_message", {"to": 5, "text": "hi"})
            assert is_error(bad_type) and "to" in text_of(bad_type)

            missing = await session.call_tool("reply", {"text": "hi"})
            assert is_error(missing) and "message_id" in text_of(missing)

            bad_timeout = await session.call_tool("wait_for_message", {"timeout_seconds": -1})
            assert is_error(bad_timeout) and "timeout_seconds" in text_of(bad_timeout)

            with pytest.raises(ProtocolError) as unknown_tool:
                await session.call_tool("launch_rockets", {})
            assert unknown_tool.value.error.code == -32602

            # The server is still serving after all of that.
            assert not is_error(await session.call_tool("list_agents", {}))

    run(body)


def test_daemon_down_is_a_tool_error_and_recovers_when_it_starts(workdir):
    from conftest import Daemon

    daemon = Daemon(workdir, "late")

    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as session:
            await session.initialize()
            down = await session.call_tool("list_agents", {})
            assert is_error(down)
            assert "not reachable" in text_of(down) and daemon.socket in text_of(down)
            send = await session.call_tool("send_message", {"to": "alice", "text": "anyone?"})
            assert is_error(send) and "not reachable" in text_of(send)

            daemon.start()
            try:
                # The agent is registered on first use once the daemon is up.
                daemon.cli("agent", "register", "bob")
                sent = await session.call_tool("send_message", {"to": "bob", "text": "back online"})
                assert not is_error(sent), text_of(sent)
                assert [m["text"] for m in daemon.cli_json("inbox", "--agent", "bob")["messages"]] == ["back online"]
                names = [a["name"] for a in daemon.cli_json("agent", "list")["agents"]]
                assert "alice" in names
            finally:
                daemon.stop()

    run(body)


def test_two_servers_exchange_a_message_and_wait_returns_when_the_other_sends(daemon):
    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as alice, mcp_session(daemon.mcp_env("bob")) as bob:
            await alice.initialize()
            await bob.initialize()
            received = {}

            async def bob_waits():
                received["result"] = await bob.call_tool("wait_for_message", {"timeout_seconds": 120})

            async with anyio.create_task_group() as tg:
                tg.start_soon(bob_waits)
                # Bob's server answers other requests while his wait is pending.
                agents = await bob.call_tool("list_agents", {})
                assert {"alice", "bob"} <= {a["name"] for a in structured(agents)["agents"]}
                assert "result" not in received
                sent = await alice.call_tool("send_message", {"to": "@bob", "text": "your turn"})
                assert not is_error(sent), text_of(sent)

            result = received["result"]
            assert not is_error(result), text_of(result)
            assert structured(result)["timed_out"] is False
            message = structured(result)["message"]
            assert (message["from_display"], message["text"], message["message_id"]) == ("alice", "your turn", structured(sent)["message_id"])

            answer = await bob.call_tool("reply", {"message_id": message["message_id"], "text": "done"})
            assert not is_error(answer)
            back = await alice.call_tool("wait_for_message", {"timeout_seconds": 30})
            assert structured(back)["message"]["text"] == "done"
            assert structured(back)["message"]["reply_to"] == message["message_id"]

    run(body)


def test_agents_on_two_synced_daemons_reach_each_other(make_daemon, tailnet):
    import random

    port = random.randrange(20000, 40000)
    synced = {"THRUM_TAILSCALE_ENABLED": "true", "THRUM_LOG": "stderr", "THRUM_TAILSCALE_SOCKET": tailnet}
    laptop = make_daemon("laptop", {**synced, "THRUM_TAILSCALE_HOSTNAME": "laptop", "THRUM_SYNC_LISTEN": f"127.0.0.1:{port}"})
    runner = make_daemon("runner", {**synced, "THRUM_TAILSCALE_HOSTNAME": "runner", "THRUM_SYNC_LISTEN": f"127.0.0.1:{port + 1}"})
    laptop.cli("tsync", "peers", "add", f"127.0.0.1:{port + 1}")
    runner.cli("tsync", "peers", "add", f"127.0.0.1:{port}")

    async def body():
        async with mcp_session(laptop.mcp_env("planner")) as planner, mcp_session(runner.mcp_env("tester")) as tester:
            await planner.initialize()
            await tester.initialize()
            status = structured(await planner.call_tool("sync_status", {}))
            assert status["tailscale_sync"]["enabled"] is True
            assert [p["hostname"] for p in status["tailscale_sync"]["peers"]] == ["runner"]

            received = {}

            async def tester_waits():
                received["result"] = await tester.call_tool("wait_for_message", {"timeout_seconds": 120})

            async with anyio.create_task_group() as tg:
                tg.start_soon(tester_waits)
                # The tester's registration reaches the laptop by sync; until then it is an unknown recipient.
                for _ in range(600):
                    sent = await planner.call_tool("send_message", {"to": "@tester", "text": "run the suite"})
                    if not is_error(sent):
                        break
                    assert "tester" in text_of(sent)
                    await anyio.sleep(0.05)
                assert not is_error(sent), text_of(sent)

            message = structured(received["result"])["message"]
            assert (message["from_display"], message["text"]) == ("planner", "run the suite")
            assert message["origin_daemon"] == laptop.cli_json("identity")["daemon_id"]

    run(body)


def test_addresses_over_mcp_a_name_two_daemons_share_is_asked_about(make_daemon, tailnet):
    """Two daemons each register "reviewer": two agents. MCP resolves NAME@HOST and NAME@d_…,
    refuses a bare name that two agents share with an error listing both, and list_agents
    shows each by its shortest unambiguous form."""
    import random
    import time

    port = random.randrange(20000, 40000)
    synced = {"THRUM_TAILSCALE_ENABLED": "true", "THRUM_LOG": "stderr", "THRUM_TAILSCALE_SOCKET": tailnet}
    laptop = make_daemon("laptop", {**synced, "THRUM_TAILSCALE_HOSTNAME": "laptop", "THRUM_SYNC_LISTEN": f"127.0.0.1:{port}"})
    runner = make_daemon("runner", {**synced, "THRUM_TAILSCALE_HOSTNAME": "runner", "THRUM_SYNC_LISTEN": f"127.0.0.1:{port + 1}"})
    for node in (laptop, runner):
        node.cli("agent", "register", "reviewer")
    laptop.cli("tsync", "peers", "add", f"127.0.0.1:{port + 1}")
    runner.cli("tsync", "peers", "add", f"127.0.0.1:{port}")
    laptop_id = laptop.cli_json("identity")["daemon_id"]
    runner_id = runner.cli_json("identity")["daemon_id"]
    for _ in range(600):
        laptop.cli("tsync", "force")
        if len([a for a in laptop.cli_json("agent", "list")["agents"] if a["name"] == "reviewer"]) == 2:
            break
        time.sleep(0.05)

    async def body():
        async with mcp_session(laptop.mcp_env("planner")) as planner:
            await planner.initialize()
            ambiguous = await planner.call_tool("send_message", {"to": "reviewer", "text": "which one?"})
            assert is_error(ambiguous)
            assert f"reviewer@{laptop_id} (on laptop)" in text_of(ambiguous)
            assert f"reviewer@{runner_id} (on runner)" in text_of(ambiguous)
            by_host = await planner.call_tool("send_message", {"to": "reviewer@runner", "text": "to the runner's"})
            assert not is_error(by_host), text_of(by_host)
            by_id = await planner.call_tool("send_message", {"to": f"@reviewer@{laptop_id}", "text": "to the laptop's"})
            assert not is_error(by_id), text_of(by_id)
            agents = structured(await planner.call_tool("list_agents", {}))["agents"]
            shown = {a["address"]: a["display"] for a in agents if a["name"] == "reviewer"}
            assert shown == {f"reviewer@{laptop_id}": "reviewer@laptop", f"reviewer@{runner_id}": "reviewer@runner"}

    run(body)
    inbox = laptop.cli_json("inbox", "--agent", "reviewer")["messages"]
    assert [(m["text"], m["recipient"]) for m in inbox] == [("to the laptop's", f"reviewer@{laptop_id}")]


def test_an_agent_asks_for_an_acknowledgement_and_sees_it_given(daemon):
    """Delivery states through the official client: alice asks bob to acknowledge; bob reads
    (check_inbox marks read) and acknowledges; alice's message_status shows both; a second
    acknowledgement changes nothing, and an agent that is not a recipient cannot give one."""
    for name in ("bob", "carol"):
        daemon.cli("agent", "register", name)

    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as alice, mcp_session(daemon.mcp_env("bob")) as bob:
            await alice.initialize()
            await bob.initialize()
            sent = await alice.call_tool("send_message", {"to": "bob", "text": "take ticket 7", "ack_required": True})
            message_id = structured(sent)["message_id"]
            status = structured(await alice.call_tool("message_status", {"message_id": message_id}))
            assert status["ack_required"] and status["pending"]
            # bob is on the same daemon: it holds the message from the start.
            assert [r["state"] for r in status["recipients"]] == ["delivered"]

            inbox = structured(await bob.call_tool("check_inbox", {}))
            assert [m["message_id"] for m in inbox["messages"]] == [message_id]
            # The read goes out in the receipt of its window (THRUM_RECEIPT_WINDOW, 500 ms).
            with anyio.fail_after(30):
                while True:
                    status = structured(await alice.call_tool("message_status", {"message_id": message_id}))
                    if [r["state"] for r in status["recipients"]] == ["read"]:
                        break
                    assert [r["state"] for r in status["recipients"]] == ["delivered"]
                    await anyio.sleep(0.05)

            done = await bob.call_tool("acknowledge", {"message_id": message_id, "note": "on it"})
            assert not is_error(done), text_of(done)
            assert structured(done)["already"] is False
            again = structured(await bob.call_tool("acknowledge", {"message_id": message_id}))
            assert again["already"] is True
            status = structured(await alice.call_tool("message_status", {"message_id": message_id}))
            assert [(r["state"], r.get("note")) for r in status["recipients"]] == [("acknowledged", "on it")]
            assert not status["pending"]
            assert "acknowledged" in text_of(await alice.call_tool("message_status", {"message_id": message_id}))

        async with mcp_session(daemon.mcp_env("carol")) as carol:
            await carol.initialize()
            refused = await carol.call_tool("acknowledge", {"message_id": message_id})
            assert is_error(refused)
            assert "not a recipient" in text_of(refused)

    run(body)


def test_an_agent_claims_lists_checks_and_releases_paths(daemon):
    """Claims through the official client: alice claims src/**; bob is refused an overlapping
    claim, naming alice; check_paths shows who holds what; list_claims lists it; once alice
    releases, bob's check is clear."""
    daemon.cli("agent", "register", "bob")

    async def body():
        async with mcp_session(daemon.mcp_env("alice")) as alice, mcp_session(daemon.mcp_env("bob")) as bob:
            await alice.initialize()
            await bob.initialize()
            made = await alice.call_tool("claim", {"patterns": ["src/**"], "project": "acme", "note": "refactor", "ttl_seconds": 600})
            assert not is_error(made), text_of(made)
            claim = structured(made)
            assert claim["state"] == "held" and claim["patterns"] == ["src/**"] and claim["project"] == "acme"
            refused = await bob.call_tool("claim", {"patterns": ["src/sync/a.swift"], "project": "acme"})
            assert is_error(refused)
            assert "alice@" in text_of(refused) and claim["claim_id"] in text_of(refused)
            checked = structured(await bob.call_tool("check_paths", {"paths": ["src/sync/a.swift", "docs/x.md"], "project": "acme"}))
            assert checked["checked"] == 2
            assert [(h["path"], [x["claim_id"] for x in h["holders"]]) for h in checked["held"]] == [("src/sync/a.swift", [claim["claim_id"]])]
            listed = structured(await bob.call_tool("list_claims", {"project": "acme"}))
            assert [c["claim_id"] for c in listed["claims"]] == [claim["claim_id"]]
            released = structured(await alice.call_tool("release_claim", {"claim_id": claim["claim_id"]}))
            assert released["released"] == [claim["claim_id"]]
            clear = structured(await bob.call_tool("check_paths", {"paths": ["src/sync/a.swift"], "project": "acme"}))
            assert clear["held"] == []

    anyio.run(body)


@pytest.mark.parametrize("mode,version", [("auto", ENVELOPE_PROTOCOL), ("legacy", NEWEST_PROTOCOL)])
def test_the_client_negotiates_each_mode_lists_the_tools_and_sends(daemon, mode, version):
    async def body():
        async with mcp_client(daemon.mcp_env("alice"), mode=mode) as alice, mcp_client(daemon.mcp_env("bob"), mode=mode) as bob:
            assert alice.protocol_version == version
            assert alice.server_info.name == "thrum"
            tools = {tool.name: tool for tool in (await alice.list_tools()).tools}
            assert set(tools) == TOOLS
            assert all(tool.output_schema["type"] == "object" for tool in tools.values())
            sent = await alice.call_tool("send_message", {"to": "@bob", "text": f"over {mode}"})
            assert not is_error(sent), text_of(sent)
            assert structured(sent)["message_id"] == json_block(sent)["message_id"]
            inbox = structured(await bob.call_tool("check_inbox", {}))
            assert [m["text"] for m in inbox["messages"]] == [f"over {mode}"]
            status = structured(await alice.call_tool("message_status", {"message_id": structured(sent)["message_id"]}))
            assert status["message_id"] == structured(sent)["message_id"]
            if mode == "legacy":
                await alice.send_ping()  # 2026-07-28 has no ping

    run(body)


def test_a_listener_gets_each_message_from_another_daemon_once(make_daemon, tailnet):
    import random

    port = random.randrange(20000, 40000)
    synced = {"THRUM_TAILSCALE_ENABLED": "true", "THRUM_LOG": "stderr", "THRUM_TAILSCALE_SOCKET": tailnet}
    laptop = make_daemon("laptop", {**synced, "THRUM_TAILSCALE_HOSTNAME": "laptop", "THRUM_SYNC_LISTEN": f"127.0.0.1:{port}"})
    runner = make_daemon("runner", {**synced, "THRUM_TAILSCALE_HOSTNAME": "runner", "THRUM_SYNC_LISTEN": f"127.0.0.1:{port + 1}"})
    laptop.cli("tsync", "peers", "add", f"127.0.0.1:{port + 1}")
    runner.cli("tsync", "peers", "add", f"127.0.0.1:{port}")

    async def body():
        async with (mcp_client(laptop.mcp_env("planner")) as planner, mcp_client(runner.mcp_env("tester")) as tester,
                    mcp_client(runner.mcp_env("bystander")) as bystander):
            assert tester.protocol_version == ENVELOPE_PROTOCOL
            async with tester.listen(resource_subscriptions=["thrum://inbox"]) as inbox, \
                    bystander.listen(resource_subscriptions=["thrum://inbox"]) as other:
                assert inbox.honored.resource_subscriptions == ["thrum://inbox"]
                heard = {"tester": [], "bystander": []}

                async def collect(name, subscription):
                    async for event in subscription:
                        heard[name].append(event.uri)

                async with anyio.create_task_group() as tg:
                    tg.start_soon(collect, "tester", inbox)
                    tg.start_soon(collect, "bystander", other)
                    # The tester's registration reaches the laptop by sync; until then it is an unknown recipient.
                    for _ in range(600):
                        sent = await planner.call_tool("send_message", {"to": "@tester", "text": "run the suite"})
                        if not is_error(sent):
                            break
                        await anyio.sleep(0.05)
                    assert not is_error(sent), text_of(sent)
                    uris = [f"thrum://inbox/{structured(sent)['message_id']}"]
                    with anyio.fail_after(60):
                        while not heard["tester"]:
                            await anyio.sleep(0.05)
                    again = await planner.call_tool("send_message", {"to": "@tester", "text": "and the lint"})
                    uris.append(f"thrum://inbox/{structured(again)['message_id']}")
                    with anyio.fail_after(60):
                        while len(heard["tester"]) < 2:
                            await anyio.sleep(0.05)
                    # Long enough for a second delivery to show: several wait slices' worth of sync rounds.
                    await anyio.sleep(3)
                    tg.cancel_scope.cancel()
                assert heard == {"tester": uris, "bystander": []}
            # Delivered by the listener means read: the inbox has nothing unread left.
            assert structured(await tester.call_tool("check_inbox", {}))["messages"] == []

    run(body)


def test_every_tool_returns_structured_content_over_the_envelope_revision(daemon):
    daemon.cli("agent", "register", "bob")

    async def body():
        async with mcp_client(daemon.mcp_env("alice")) as client:
            assert client.protocol_version == ENVELOPE_PROTOCOL
            schemas = {tool.name: tool.output_schema for tool in (await client.list_tools()).tools}
            results = {"send_message": await client.call_tool("send_message", {"to": "bob", "text": "hi"})}
            daemon.cli("send", "--agent", "bob", "--to", "@alice", "first")
            results["check_inbox"] = await client.call_tool("check_inbox", {"unread_only": False})
            daemon.cli("send", "--agent", "bob", "--to", "@alice", "second")
            results["wait_for_message"] = await client.call_tool("wait_for_message", {"timeout_seconds": 30})
            message_id = structured(results["wait_for_message"])["message"]["message_id"]
            results["reply"] = await client.call_tool("reply", {"message_id": message_id, "text": "thanks"})
            results["list_agents"] = await client.call_tool("list_agents", {})
            results["sync_status"] = await client.call_tool("sync_status", {})
            results["acknowledge"] = await client.call_tool("acknowledge", {"message_id": message_id, "note": "got it"})
            results["message_status"] = await client.call_tool("message_status", {"message_id": message_id})
            results["claim"] = await client.call_tool("claim", {"patterns": ["src/**"], "project": "acme"})
            results["list_claims"] = await client.call_tool("list_claims", {"project": "acme"})
            results["check_paths"] = await client.call_tool("check_paths", {"paths": ["src/a"], "project": "acme"})
            results["release_claim"] = await client.call_tool("release_claim", {"all": True})
            assert set(results) == TOOLS
            for name, result in results.items():
                assert not is_error(result), (name, text_of(result))
                Draft202012Validator(schemas[name]).validate(structured(result))
                assert json_block(result) == structured(result), name
            assert structured(results["reply"])["reply_to"] == message_id

    run(body)
