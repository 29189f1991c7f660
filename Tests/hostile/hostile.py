#!/usr/bin/env python3
"""Hostile input against a real daemon (DESIGN §7, §12), on both its sockets.

Usage: hostile.py --thrum BIN [--report PATH] [--measure-only]

Starts the stand-in tailscaled and one daemon whose sync port listens on
loopback, stores a little data, then, while an innocent client asks `health`
on the control socket and `sync.peer_info` on the sync port every 20 ms,
sends to both sockets: lines nested 511 to 100,000 deep, eight 1 KB lines
nested 511 deep at once (ten rounds), four 7 MiB JSON arrays at once,
sixteen valid requests just under the line limit at once,
requests whose ids are arrays, objects and booleans, and 1,000 connections
at once. It checks that the daemon stays up, answers the innocent client
within 50 ms, stays within idle + 128 MiB RSS, answers bad ids with -32600
and id null, and that the stored data did not change. Prints the figures;
exits 1 when a check fails (with --measure-only, only reports).
"""

import argparse
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LATENCY_LIMIT_MS = 50
RSS_LIMIT_MB = 128


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Endpoint:
    def __init__(self, name, family, address, method):
        self.name, self.family, self.address, self.method = name, family, address, method

    def connect(self, timeout=10):
        s = socket.socket(self.family, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.address)
        return s


def read_line(sock, limit=1 << 20):
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            break
    return data


def request(method, ident=1, params=None):
    body = {"jsonrpc": "2.0", "id": ident, "method": method}
    if params is not None:
        body["params"] = params
    return (json.dumps(body) + "\n").encode()


class Prober(threading.Thread):
    """The innocent client: one request every 20 ms on its own connection."""

    def __init__(self, endpoint):
        super().__init__(daemon=True)
        self.endpoint = endpoint
        self.latencies, self.times, self.failures, self.stop = [], [], [], threading.Event()

    def run(self):
        sock = None
        while not self.stop.is_set():
            try:
                if sock is None:
                    sock = self.endpoint.connect(timeout=5)
                start = time.monotonic()
                sock.sendall(request(self.endpoint.method))
                line = read_line(sock)
                elapsed = (time.monotonic() - start) * 1000
                if b'"result"' not in line:
                    raise OSError(f"answer {line[:120]!r}")
                self.latencies.append(elapsed)
                self.times.append(start)
            except OSError as error:
                self.failures.append(f"{time.monotonic():.3f} {error}")
                if sock:
                    sock.close()
                sock = None
            time.sleep(0.02)
        if sock:
            sock.close()


class RSSSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            value = rss_kib(self.pid)
            if value:
                self.peak = max(self.peak, value)
            time.sleep(0.005)


def send_lines(endpoint, payloads, read=True):
    """Each payload on its own connection, all at once; returns the answers."""
    answers = [None] * len(payloads)

    def one(i, payload):
        try:
            with endpoint.connect(timeout=30) as s:
                s.sendall(payload)
                if read:
                    answers[i] = read_line(s)
        except OSError as error:
            answers[i] = f"error: {error}".encode()

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(payloads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def flood(endpoint, count):
    """`count` connections at once, each asking the endpoint's innocent method;
    returns (answered, refused, failed). A refused connection may also be
    reset before its error line arrives: that counts as failed."""
    socks, answered, refused, failed = [], 0, 0, 0
    for _ in range(count):
        try:
            s = endpoint.connect(timeout=10)
            s.sendall(request(endpoint.method))
            socks.append(s)
        except OSError:
            failed += 1
    for s in socks:
        try:
            line = read_line(s)
            if b'"result"' in line:
                answered += 1
            elif b"too many connections" in line:
                refused += 1
            else:
                failed += 1
        except OSError:
            failed += 1
    for s in socks:
        s.close()
    return answered, refused, failed


def snapshot(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return {t: c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("events", "agents", "messages", "quarantined_events")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thrum", required=True)
    parser.add_argument("--report")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--phases", default="depth,nested,arrays,large,ids,connections",
                        help="which attacks to run, in this order (for measuring a daemon that dies at the first)")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

    work = tempfile.mkdtemp(prefix="thrum-hostile.")
    procs = []
    try:
        with open(f"{work}/tailnet.json", "w") as f:
            json.dump({"self": "hostile", "nodes": [{"hostname": "loopback", "ips": ["127.0.0.1"],
                                                     "tags": ["tag:thrum-daemon"], "online": False}]}, f)
        procs.append(subprocess.Popen([sys.executable, f"{HERE}/../support/fake-tailscaled.py",
                                       "--socket", f"{work}/tailscaled.sock", "--map", f"{work}/tailnet.json"]))
        port = free_port()
        env = dict(os.environ, THRUM_STATE_DIR=f"{work}/state", THRUM_SOCKET=f"{work}/thrum.sock",
                   THRUM_CONFIG=f"{work}/none.env", THRUM_TAILSCALE_ENABLED="true", THRUM_LOG="stderr",
                   THRUM_SYNC_LISTEN=f"127.0.0.1:{port}", THRUM_TAILSCALE_SOCKET=f"{work}/tailscaled.sock",
                   THRUM_AGENT="prober")
        for _ in range(100):
            if os.path.exists(f"{work}/tailscaled.sock"):
                break
            time.sleep(0.05)
        log = open(f"{work}/daemon.log", "w")
        daemon = subprocess.Popen([args.thrum, "daemon", "start"], env=env, stderr=log, stdout=log)
        procs.append(daemon)
        cli = lambda *a: subprocess.run([args.thrum, *a], env=env, capture_output=True, text=True, timeout=30)
        for _ in range(200):
            if cli("status").returncode == 0:
                break
            time.sleep(0.05)
        cli("agent", "register", "prober")
        cli("send", "--to", "@prober", "kept as it is")
        control = Endpoint("control", socket.AF_UNIX, f"{work}/thrum.sock", "health")
        sync = Endpoint("sync", socket.AF_INET, ("127.0.0.1", port), "sync.peer_info")
        for _ in range(100):
            try:
                with sync.connect() as s:
                    break
            except OSError:
                time.sleep(0.05)
        db = f"{work}/state/thrum.db"
        before = snapshot(db)
        time.sleep(0.5)
        idle = rss_kib(daemon.pid)

        probers = [Prober(control), Prober(sync)]
        sampler = RSSSampler(daemon.pid)
        for t in probers + [sampler]:
            t.start()
        time.sleep(0.3)

        results, problems = {}, []
        phases = []

        def phase(name, body):
            start = time.monotonic()
            out = {}
            for endpoint in (control, sync):
                if daemon.poll() is not None:
                    break
                out[endpoint.name] = body(endpoint)
            end = time.monotonic()
            slowest = {p.endpoint.name: round(max((l for l, t in zip(p.latencies, p.times) if start <= t <= end),
                                                  default=0), 1) for p in probers}
            phases.append({"phase": name, "seconds": round(end - start, 2), "slowest_innocent_ms": slowest,
                           "alive": daemon.poll() is None, "peak_rss_mib": round(sampler.peak / 1024, 1)})
            results[name] = out
            if daemon.poll() is not None:
                problems.append(f"the daemon died during {name} (exit {daemon.returncode})")

        def deep(endpoint):
            answers = send_lines(endpoint, [b"[" * d + b"\n" for d in (511, 512, 513, 514, 100_000)])
            return [a[:90].decode(errors="replace") for a in answers]

        def nested_8(endpoint):
            line = b"[" * 511 + b"]" * 511 + b"\n"
            for _ in range(10):
                send_lines(endpoint, [line] * 8)
            return "10 rounds of 8"

        def arrays_4(endpoint):
            body = b'{"jsonrpc":"2.0","id":1,"method":"health","params":[' + b"1," * (7 << 19) + b'1]}\n'
            answers = send_lines(endpoint, [body] * 4)
            return [a[:90].decode(errors="replace") for a in answers]

        def large(endpoint):
            # Sixteen valid requests just under each listener's line limit, at once.
            size = 1_000_000 if endpoint is control else 60_000
            body = b'{"jsonrpc":"2.0","id":1,"method":"health","params":[' + b"1," * (size // 2) + b'1]}\n'
            answers = send_lines(endpoint, [body] * 16)
            return [a[:90].decode(errors="replace") for a in answers]

        def bad_ids(endpoint):
            out = []
            for ident in ("[1]", '{"a":1}', "true", "false"):
                line = send_lines(endpoint, [b'{"jsonrpc":"2.0","id":%s,"method":"health"}\n' % ident.encode()])[0]
                try:
                    answer = json.loads(line)
                    ok = answer.get("id", "missing") is None and answer.get("error", {}).get("code") == -32600
                except ValueError:
                    ok = False
                if not ok:
                    problems.append(f"{endpoint.name}: id {ident} answered {line[:120]!r}")
                out.append(line[:90].decode(errors="replace"))
            return out

        def connections(endpoint):
            answered, refused, failed = flood(endpoint, 1000)
            return {"answered": answered, "refused": refused, "failed": failed}

        attacks = {"depth": ("depth 511..100000", deep), "nested": ("8 x 1 KB nested 511 deep", nested_8),
                   "arrays": ("4 x 7 MiB arrays", arrays_4), "large": ("16 x ~1 MiB requests", large),
                   "ids": ("bad ids", bad_ids), "connections": ("1,000 connections", connections)}
        for key in args.phases.split(","):
            phase(*attacks[key])

        time.sleep(0.3)
        for t in probers + [sampler]:
            t.stop.set()
        for t in probers + [sampler]:
            t.join()
        alive = daemon.poll() is None
        after = snapshot(db) if alive else None
        figures = {
            "idle_rss_mib": round((idle or 0) / 1024, 1),
            "peak_rss_mib": round(sampler.peak / 1024, 1),
            "peak_above_idle_mib": round((sampler.peak - (idle or 0)) / 1024, 1),
            "slowest_innocent_ms": {p.endpoint.name: round(max(p.latencies, default=0), 1) for p in probers},
            "innocent_answers": {p.endpoint.name: len(p.latencies) for p in probers},
            "innocent_failures": {p.endpoint.name: p.failures[:5] for p in probers},
            "alive": alive, "data_before": before, "data_after": after,
            "phases": phases, "answers": results,
        }
        if not alive:
            problems.append("the daemon is not running")
        for p in probers:
            if p.failures:
                problems.append(f"innocent {p.endpoint.name} client failed {len(p.failures)} times: {p.failures[:2]}")
            slowest = max(p.latencies, default=0)
            if slowest > LATENCY_LIMIT_MS:
                problems.append(f"innocent {p.endpoint.name} client waited {slowest:.1f} ms (limit {LATENCY_LIMIT_MS})")
        if figures["peak_above_idle_mib"] > RSS_LIMIT_MB:
            problems.append(f"peak RSS {figures['peak_above_idle_mib']} MiB above idle (limit {RSS_LIMIT_MB})")
        if alive and after != before:
            problems.append(f"stored data changed: {before} -> {after}")
        if alive and "connections" in args.phases and "refusing new connections" not in open(f"{work}/daemon.log").read():
            problems.append("no log line said connections were refused")
        figures["problems"] = problems
        print(json.dumps({k: v for k, v in figures.items() if k != "answers"}, indent=1))
        if args.report:
            with open(args.report, "w") as f:
                json.dump(figures, f, indent=1)
        if problems:
            print("hostile: FAILED\n  " + "\n  ".join(problems))
            return 0 if args.measure_only else 1
        print("hostile: ok")
        return 0
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
