#!/usr/bin/env python3
"""A sync peer for tests that serves hand-made events, byte for byte.

Usage: crafted-peer.py --info INFO.json --log EVENTS.jsonl --port-file PATH [--host IP] [--port N]

Listens on IP (default 127.0.0.1) and port N (default a free one; the port is
written to PATH once listening) and answers
Thrum's sync protocol (JSON-RPC 2.0, one object per line):
  sync.peer_info  the object in INFO.json, with latest_seq = lines in EVENTS.jsonl,
                  and the asker's challenge signed with the hex Ed25519 seed under
                  INFO.json's "_seed" key (never sent), as a real daemon proves its
                  key; without "_seed" the challenge goes unsigned (an impostor)
  sync.pull       the lines of EVENTS.jsonl after after_seq (line N is seq N),
                  each copied into the page unchanged, so a test can serve any
                  JSON at all: forged, oversized, malformed
  sync.notify     {"status": "ok"}
EVENTS.jsonl is read again on every request, so a test can append while it runs.
SIGTERM stops it.
"""

import argparse
import base64
import json
import os
import signal
import socketserver


def sign_challenge(seed_hex, daemon_id, challenge):
    """The key proof of sync.peer_info, as Sources/ThrumSync/PeerProof.swift defines it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    payload = ("thrum-peer-proof-v1|%s|%s" % (daemon_id, challenge)).encode("utf-8")
    return base64.b64encode(key.sign(payload)).decode("ascii")


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                request = json.loads(line)
            except ValueError:
                continue
            self.wfile.write((self.answer(request) + "\n").encode("utf-8"))
            self.wfile.flush()

    def answer(self, request):
        ident = json.dumps(request.get("id"))
        method = request.get("method")
        with open(self.server.log_path, "r", encoding="utf-8") as handle:
            events = [line.rstrip("\n") for line in handle if line.strip()]
        if method == "sync.peer_info":
            with open(self.server.info_path, "r", encoding="utf-8") as handle:
                info = json.load(handle)
            info["latest_seq"] = len(events)
            seed = info.pop("_seed", None)
            challenge = (request.get("params") or {}).get("challenge")
            if seed and challenge:
                info["challenge_signature"] = sign_challenge(seed, info["daemon_id"], challenge)
            return '{"jsonrpc":"2.0","id":%s,"result":%s}' % (ident, json.dumps(info))
        if method == "sync.pull":
            params = request.get("params") or {}
            after = max(0, int(params.get("after_seq", 0)))
            limit = int(params.get("limit") or 1000)
            page = events[after:after + limit]
            following = after + len(page)
            more = "true" if following < len(events) else "false"
            return '{"jsonrpc":"2.0","id":%s,"result":{"events":[%s],"next_seq":%d,"more_available":%s}}' % (
                ident, ",".join(page), following, more)
        if method == "sync.notify":
            return '{"jsonrpc":"2.0","id":%s,"result":{"status":"ok"}}' % ident
        return '{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"unknown method"}}' % ident


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description="crafted sync peer for tests")
    parser.add_argument("--info", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: (_ for _ in ()).throw(SystemExit(0)))
    server = Server((args.host, args.port), Handler)
    server.info_path, server.log_path = args.info, args.log
    staging = args.port_file + ".new"
    with open(staging, "w", encoding="utf-8") as handle:
        handle.write(str(server.server_address[1]))
    os.rename(staging, args.port_file)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
