"""The hash chain's cost and its fork detection (issue 28), for `make bench`.

1. Bytes per event, on the wire (a `sync.pull` page of 1000 events, as sent) and in the log
   (`log_bytes` / events), and the catch-up rate of CHAIN_EVENTS events A→B, for this build and,
   when THRUM_BIN_BEFORE names a release build of the commit before chains, for that one too:
   the two alternate, CHAIN_ROUNDS rounds each, in this one run.
2. The time from a fork being served until every daemon of a 4-daemon full mesh reports it: a
   crafted daemon serves one history of itself to a and another to b; a, b, c, d sync on their own
   (notifies), and the clock runs from the pulls of the two branches until all four list the fork.
Prints, never asserts."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench import Daemon, pipelined_sends, report, start_tailnet
from rpc import Client

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from signed_events import Signer  # noqa: E402

AFTER = os.environ["THRUM_BIN"]
BEFORE = os.environ.get("THRUM_BIN_BEFORE")
EVENTS = int(os.environ.get("CHAIN_EVENTS", "30000"))
ROUNDS = int(os.environ.get("CHAIN_ROUNDS", "3"))


def wait_for(what, condition, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.01)


def one_round(root, binary, tailscaled):
    """Bytes per event on the wire and in the log, and the catch-up rate A→B, with `binary`."""
    a = Daemon(root, "a", sync=True, tailscaled=tailscaled, binary=binary)
    b = Daemon(root, "b", sync=True, tailscaled=tailscaled, binary=binary)
    a.start()
    b.start()
    try:
        a.cli("agent", "register", "sender")
        c = a.client()
        pipelined_sends(c, EVENTS - 1, "sender", "@sender")
        c.close()
        puller = Client(address=("127.0.0.1", a.port))
        page = puller.call("sync.pull", {"after_seq": 0, "limit": 1000})
        puller.close()
        wire = len(json.dumps(page["events"], separators=(",", ":"))) / len(page["events"])
        status = json.loads(a.cli("status", "--json"))
        stored = status["log_bytes"] / status["event_count"]
        total = status["event_count"]
        begin = time.perf_counter()
        b.cli("tsync", "peers", "add", f"127.0.0.1:{a.port}")
        b.cli("tsync", "force")
        wait_for("catch-up", lambda: json.loads(b.cli("health"))["event_count"] >= total)
        rate = total / (time.perf_counter() - begin)
        return wire, stored, rate
    finally:
        a.stop()
        b.stop()


def bench_cost(root):
    tailnet, tailscaled = start_tailnet(root)
    builds = [("chained", AFTER)] + ([("before chains", BEFORE)] if BEFORE else [])
    figures = {name: [] for name, _ in builds}
    for round_index in range(ROUNDS):
        for name, binary in builds:
            folder = os.path.join(root, f"{name.replace(' ', '-')}-{round_index}")
            os.makedirs(folder)
            figures[name].append(one_round(folder, binary, tailscaled))
    for name, _ in builds:
        rounds = figures[name]
        report(f"[{name}] bytes per event on the wire (pull page of 1000, JSON)", statistics.median(r[0] for r in rounds), "B")
        report(f"[{name}] bytes per event in the log (log_bytes / events)", statistics.median(r[1] for r in rounds), "B")
        report(f"[{name}] catch-up of {EVENTS} events A→B, median of {ROUNDS}", statistics.median(r[2] for r in rounds), "events/s")
        print(f"    rounds: {', '.join(f'{r[2]:.0f}' for r in rounds)} events/s")
    if BEFORE:
        after, before = figures["chained"], figures["before chains"]
        report("  wire bytes per event, chained / before", statistics.median(r[0] for r in after) / statistics.median(r[0] for r in before), "x")
        report("  catch-up rate, chained / before", statistics.median(r[2] for r in after) / statistics.median(r[2] for r in before), "x")
    else:
        print("  (set THRUM_BIN_BEFORE to a release build of the commit before chains to compare)")
    tailnet.terminate()


def bench_fork_detection(root):
    tailnet, tailscaled = start_tailnet(root)
    forker = Signer(os.urandom(32))
    shared, head = forker.chain([{"agent": "zed"}], event_type="agent.register")
    more, head = forker.chain([{"message_id": "z2", "from": "zed", "to": "@everyone", "text": "before the fork"}],
                              start=2, prev=head)
    shared += more

    def branch(audience):
        events, _ = forker.chain([{"message_id": f"z{n}", "from": "zed", "to": "@everyone", "text": f"for {audience} {n}"}
                                  for n in (3, 4, 5)], start=3, prev=head)
        return events

    servers = []
    for audience in ("a", "b"):
        folder = os.path.join(root, "forker-" + audience)
        os.makedirs(folder)
        with open(os.path.join(folder, "events.jsonl"), "w") as f:
            for event in shared + branch(audience):
                f.write(json.dumps(event, separators=(",", ":")) + "\n")
        with open(os.path.join(folder, "info.json"), "w") as f:
            json.dump({"daemon_id": forker.daemon_id, "hostname": "forker", "public_key": forker.public_key,
                       "fingerprint": forker.fingerprint, "version": "bench", "_seed": forker.seed_hex}, f)
        port_file = os.path.join(folder, "port")
        servers.append(subprocess.Popen([sys.executable, os.path.join(HERE, "..", "support", "crafted-peer.py"),
                                         "--info", os.path.join(folder, "info.json"), "--log",
                                         os.path.join(folder, "events.jsonl"), "--port-file", port_file]))
        wait_for("the crafted daemon", lambda: os.path.exists(port_file), timeout=15)
    ports = []
    for audience in ("a", "b"):
        with open(os.path.join(root, "forker-" + audience, "port")) as f:
            ports.append(int(f.read()))
    fleet = [Daemon(root, name, sync=True, tailscaled=tailscaled) for name in "abcd"]
    try:
        for daemon in fleet:
            daemon.start()
        for daemon in fleet:
            for other in fleet:
                if other is not daemon:
                    daemon.cli("tsync", "peers", "add", f"127.0.0.1:{other.port}")
        fleet[0].cli("tsync", "peers", "add", f"127.0.0.1:{ports[0]}")
        fleet[1].cli("tsync", "peers", "add", f"127.0.0.1:{ports[1]}")

        def forks(daemon):
            return json.loads(daemon.cli("health")).get("forks") or []

        begin = time.perf_counter()
        fleet[0].cli("tsync", "force")
        fleet[1].cli("tsync", "force")
        seen = {}
        while len(seen) < len(fleet):
            for daemon in fleet:
                if daemon.name not in seen and forks(daemon):
                    seen[daemon.name] = time.perf_counter() - begin
            if time.perf_counter() - begin > 120:
                raise RuntimeError(f"only {sorted(seen)} reported the fork within 120 s")
            time.sleep(0.005)
        points = {daemon.name: [f["sequence"] for f in forks(daemon)] for daemon in fleet}
        report("fork served → reported by all 4 daemons (full mesh, notifies only)", max(seen.values()) * 1000, "ms")
        print(f"    per daemon: {', '.join(f'{name} {seconds * 1000:.0f} ms' for name, seconds in sorted(seen.items()))}; "
              f"fork points {points}")
    finally:
        for daemon in fleet:
            daemon.stop()
        for server in servers:
            server.terminate()
        tailnet.terminate()


def main():
    root = tempfile.mkdtemp(prefix="thrum-chain-")
    try:
        print("hash chains: cost and fork detection")
        for part in ("cost", "fork"):
            os.makedirs(os.path.join(root, part))
        bench_cost(os.path.join(root, "cost"))
        bench_fork_detection(os.path.join(root, "fork"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
