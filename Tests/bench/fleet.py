"""`make bench`: fleet fan-out (DESIGN §12). N daemons on loopback, fully meshed and in
a line A–B–…; one writer sends to @everyone while a reader waits on every daemon.
Each reader's read writes a receipt (delivery states), so each send makes 1 + (N-1)
events. Prints, per event written in the fleet: events received, pulls, notifies and
key proofs (peer_info), next to the targets 1.25 (N-1) events and 3 (N-1) RPCs; the
events written per send; and the write → readable-on-every-daemon latency seen by the
waiting readers.
BENCH_FLEET_SIZES (default "4 8 16 32") and BENCH_FLEET_WRITES (default 20)."""
import json
import os
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import Daemon, start_tailnet  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_FLEET_SIZES", "4 8 16 32").split()]
WRITES = int(os.environ.get("BENCH_FLEET_WRITES", "20"))
FIELDS = ("events_received", "pages_received", "notifies_sent", "peer_infos_sent")


def traffic(fleet):
    total = dict.fromkeys(FIELDS, 0)
    for d in fleet:
        counts = json.loads(d.cli("health"))["sync_traffic"]
        for field in FIELDS:
            total[field] += counts.get(field, 0)
    return total


def settle(fleet):
    """Until every daemon holds the same events and the fleet's counters stop moving;
    returns how many events each holds."""
    last = None
    while True:
        counts = [json.loads(d.cli("health"))["event_count"] for d in fleet]
        now = traffic(fleet)
        if len(set(counts)) == 1 and now == last:
            return counts[0]
        last = now
        time.sleep(0.2)


def run(root, size, shape, tailscaled):
    fleet = [Daemon(root, f"{shape}{size}-{i}", sync=True, tailscaled=tailscaled) for i in range(size)]
    for d in fleet:
        d.start()
    links = [(a, b) for a in fleet for b in fleet if a is not b] if shape == "mesh" else \
        [pair for a, b in zip(fleet, fleet[1:]) for pair in ((a, b), (b, a))]
    for a, b in links:
        a.cli("tsync", "peers", "add", f"127.0.0.1:{b.port}")
    fleet[0].cli("agent", "register", "writer")
    for i, d in enumerate(fleet):
        d.cli("agent", "register", f"reader{i}")
    # A first write proves the keys; it is not counted.
    fleet[0].cli("send", "--agent", "writer", "--to", "@everyone", "warm-up")
    settle(fleet)
    waiters = [d.client() for d in fleet[1:]]
    for i, w in enumerate(waiters, start=1):
        w.call("message.inbox", {"agent": f"reader{i}", "mark_read": True})
    writer = fleet[0].client()
    held = settle(fleet)
    before = traffic(fleet)
    latencies = []
    for n in range(WRITES):
        arrived = [None] * len(waiters)

        def wait(index, client):
            client.call("message.wait", {"agent": f"reader{index + 1}", "timeout_ms": 30000})
            arrived[index] = time.perf_counter()
        threads = [threading.Thread(target=wait, args=(i, w)) for i, w in enumerate(waiters)]
        for t in threads:
            t.start()
        time.sleep(0.02)  # let every wait reach its daemon; the clock starts at the send
        begin = time.perf_counter()
        writer.call("message.send", {"agent": "writer", "to": "@everyone", "text": f"fleet {n}"})
        for t in threads:
            t.join()
        latencies.append(max(arrived) - begin)
    written = settle(fleet) - held
    after = traffic(fleet)
    for c in waiters + [writer]:
        c.close()
    for d in fleet:
        d.stop()
    per = {f: (after[f] - before[f]) / written for f in FIELDS}
    rpcs = per["pages_received"] + per["notifies_sent"] + per["peer_infos_sent"]
    latencies.sort()
    print(f"{shape:<5} N={size:<3} events written/send {written / WRITES:5.2f}  per event written: "
          f"received {per['events_received']:7.2f} (bound {1.25 * (size - 1):6.2f}, "
          f"ratio {per['events_received'] / (1.25 * (size - 1)):.2f})  RPCs/write {rpcs:7.2f} "
          f"(pulls {per['pages_received']:.2f} notifies {per['notifies_sent']:.2f} proofs {per['peer_infos_sent']:.2f}; "
          f"bound {3 * (size - 1)}, ratio {rpcs / (3 * (size - 1)):.2f})  all-read p50 "
          f"{latencies[len(latencies) // 2] * 1000:.1f} ms p99 {latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000:.1f} ms")


def main():
    root = tempfile.mkdtemp(prefix="thrum-bench-fleet-")
    tailnet, tailscaled = start_tailnet(root)
    try:
        print(f"fleet fan-out, {WRITES} writes each (one writer, a waiting reader on every other daemon)")
        for size in SIZES:
            for shape in ("mesh", "line"):
                run(root, size, shape, tailscaled)
    finally:
        tailnet.terminate()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
