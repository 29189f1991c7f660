#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (Tests/fuzz/corpus/TARGET/NAME).
Run once after changing a seed; the files are committed."""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))

EVENT = {
    "event_id": "evt_01JXAMPLE0000000000000000", "type": "message.create",
    "timestamp": "2025-06-15T12:00:00.000Z", "origin_daemon": "d_abcdefghijklmnop",
    "origin_key": "", "sequence": 1,
    "data": json.dumps({"message_id": "msg_1", "from": "alice", "to": "@bob", "text": "hi"}),
}

def line(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def signed_chain(texts, fork_at):
    """Events of one origin, chained and signed; and a second event for sequence `fork_at` (a fork)."""
    import sys
    sys.path.insert(0, os.path.join(HERE, "..", "support"))
    from signed_events import Signer
    signer = Signer(bytes(range(32)))
    datas = [{"message_id": "m%d" % (i + 1), "from": "zed", "to": "@everyone", "text": text} for i, text in enumerate(texts)]
    events, _ = signer.chain(datas)
    other, _ = signer.event(fork_at, events[fork_at - 1]["prev"],
                            {"message_id": "m%d" % fork_at, "from": "zed", "to": "@everyone", "text": "other branch"})
    return signer.daemon_id, events, other


ORIGIN, CHAIN, FORKED = signed_chain(["one", "two", "three"], 3)
PROOF = {"origin": ORIGIN, "sequence": 3, "first": CHAIN[2], "second": FORKED}
FRONTIER = {"have": {ORIGIN: 3}, "heads": {ORIGIN: "a" * 64}, "forks": {ORIGIN: 3}}

CLAIM = {"claim_id": "clm_01JXAMPLE0000000000000000-d_abcdefghijklmnop", "agent": "alice@d_abcdefghijklmnop",
         "project": "github.com/acme/app", "patterns": ["src/sync/**", "Package.swift", "task:release"], "ttl": 3600,
         "note": "refactor", "shared": True, "seen": {"d_abcdefghijklmnop": 0, "d_qrstuvwxyz234567": 12}}

# The 2026-07-28 per-request envelope, as the Python SDK stamps it.
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "c", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}

SEEDS = {
    "request-line": {
        "health": line({"jsonrpc": "2.0", "id": 1, "method": "health"}),
        "send": line({"jsonrpc": "2.0", "id": "a", "method": "message.send",
                      "params": {"agent": "alice", "to": "@bob", "text": "hi \u00e9\n"}}),
        "notification": line({"jsonrpc": "2.0", "method": "sync.notify",
                              "params": {"daemon_id": "d_x", "latest_seq": 3, "event_count": 1}}),
        "pull": line({"jsonrpc": "2.0", "id": 2.5, "method": "sync.pull", "params": {"after_seq": 0, "limit": 1000}}),
        "pull-frontier": line({"jsonrpc": "2.0", "id": 3, "method": "sync.pull", "params": dict(FRONTIER, after_seq=5)}),
        "notify-frontier": line({"jsonrpc": "2.0", "method": "sync.notify",
                                 "params": dict(FRONTIER, daemon_id=ORIGIN, latest_seq=3, event_count=3)}),
        "origin-events": line({"jsonrpc": "2.0", "id": 4, "method": "sync.origin_events",
                               "params": {"origin": ORIGIN, "from": 1, "through": 1000}}),
        "claim-add": line({"jsonrpc": "2.0", "id": 5, "method": "claim.add",
                           "params": {"agent": "alice", "project": "p", "patterns": ["src/**", "task:x"], "ttl_seconds": 60}}),
        "claim-check": line({"jsonrpc": "2.0", "id": 6, "method": "claim.check",
                             "params": {"agent": "bob", "project": "p", "paths": ["src/a.swift", "task:x", "../x"]}}),
        "id-array": b'{"jsonrpc":"2.0","id":[1],"method":"health"}',
        "id-bool": b'{"jsonrpc":"2.0","id":true,"method":"health"}',
        "deep-513": b"[" * 513,
        "deep-params": b'{"jsonrpc":"2.0","id":1,"method":"m","params":' + b'{"a":' * 70 + b"1" + b"}" * 71,
        "escapes": b'{"jsonrpc":"2.0","id":"\\u0041\\n","method":"\\ud83d\\ude00","params":null}',
        "numbers": b'[-0,1e308,-1.5E-3,12345678901234567890,0.0]',
        "not-json": b"{nope",
        # Found by the fuzzer: a string ending on a backslash hung JSONSyntax.
        "trailing-backslash": b'{"\x96\x8c\\',
    },
    "event-validation": {
        "unsigned": line(EVENT),
        "signed-shape": line(dict(EVENT, signature="AAAA", origin_key="BBBB")),
        "bad-data": line(dict(EVENT, data="{oops")),
        "deep-data": line(dict(EVENT, data="[" * 600)),
        "missing-field": line({k: v for k, v in EVENT.items() if k != "type"}),
        "wrong-types": b'{"event_id":1,"type":[],"timestamp":{},"origin_daemon":null,"sequence":"x","data":3}',
        "chained": line(CHAIN[1]),
        "chained-first": line(CHAIN[0]),
        "prev-not-hex": line(dict(CHAIN[1], prev="Z" * 64)),
        "prev-at-one": line(dict(CHAIN[0], prev="1" * 64)),
        "claim": line(dict(EVENT, type="claim.create", data=json.dumps(CLAIM))),
        "claim-odd-patterns": line(dict(EVENT, type="claim.create", data=json.dumps(dict(
            CLAIM, patterns=["a/**/b/[!x]*?.c", "task:deploy-*", "pages/[id].tsx", "x/" * 70, "\u00e9/**/\u4e2d", "[", "**"])))),
        "claim-renew": line(dict(EVENT, type="claim.renew", data=json.dumps(
            {"claim_id": CLAIM["claim_id"], "agent": CLAIM["agent"], "ttl": 0}))),
        "claim-release": line(dict(EVENT, type="claim.release", data=json.dumps(
            {"claim_id": CLAIM["claim_id"], "agent": CLAIM["agent"]}))),
    },
    "pulled-page": {
        "page": line({"jsonrpc": "2.0", "id": 2, "result": {"events": [EVENT, dict(EVENT, type="nope")],
                                                           "next_seq": 2, "more_available": False}}),
        "empty": line({"jsonrpc": "2.0", "id": 2, "result": {"events": [], "next_seq": 0, "more_available": False}}),
        "error": line({"jsonrpc": "2.0", "id": 2, "error": {"code": 429, "message": "slow down",
                                                            "data": {"retry_after_ms": 100}}}),
        "deep-event": b'{"jsonrpc":"2.0","id":2,"result":{"events":[' + b"[" * 513 + b'],"next_seq":1,"more_available":true}}',
        "frontier-and-proof": line({"jsonrpc": "2.0", "id": 2, "result": dict(
            FRONTIER, events=CHAIN, next_seq=3, more_available=False, proofs=[PROOF])}),
        "bad-proof": line({"jsonrpc": "2.0", "id": 2, "result": dict(
            FRONTIER, events=[], next_seq=0, more_available=False, proofs=[dict(PROOF, second=CHAIN[2])])}),
        "bad-frontier": line({"jsonrpc": "2.0", "id": 2, "result": {
            "events": [], "next_seq": 0, "more_available": False, "have": {ORIGIN: -1}, "heads": {ORIGIN: "x"}}}),
    },
    "mcp-message": {
        "initialize": line({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                            "params": {"protocolVersion": "2025-06-18", "clientInfo": {"name": "c", "version": "1"}}}) + b"\n"
                      + line({"jsonrpc": "2.0", "method": "notifications/initialized"}) + b"\n",
        "tool-call": line({"jsonrpc": "2.0", "id": "t", "method": "tools/call",
                           "params": {"name": "send_message", "arguments": {"to": "@bob", "text": "hi"}}}) + b"\r\n",
        "cancel": line({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "t"}}) + b"\n",
        "response": line({"jsonrpc": "2.0", "id": 5, "result": {}}) + b"\n",
        "deep": b"[" * 513 + b"\n" + b"{}" + b"\n",
        "discover": line({"jsonrpc": "2.0", "id": 0, "method": "server/discover", "params": {"_meta": ENVELOPE}}) + b"\n",
        "enveloped-tool-call": line({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
            "name": "send_message", "arguments": {"to": "@bob", "text": "hi"}, "_meta": ENVELOPE}}) + b"\n",
        "listen": line({"jsonrpc": "2.0", "id": "listen-1", "method": "subscriptions/listen", "params": {
            "notifications": {"resourceSubscriptions": ["thrum://inbox"], "toolsListChanged": True}, "_meta": ENVELOPE}}) + b"\n",
        "unsupported-envelope": line({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {
            "_meta": dict(ENVELOPE, **{"io.modelcontextprotocol/protocolVersion": "2099-01-01"})}}) + b"\n",
    },
}

for target, seeds in SEEDS.items():
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
