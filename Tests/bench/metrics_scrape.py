"""`make bench`: what a Prometheus scrape of one daemon with 16 peers costs. A hub and 16
peer daemons on loopback, paired both ways; every daemon writes, so the hub has per-peer
series for pulls, notifies, lag and sync age. Prints the time of GET /metrics (one
keep-alive connection, as Prometheus scrapes) and of `metrics` on the control socket, the
body's size and its number of samples. BENCH_METRICS_PEERS (default 16) and
BENCH_METRICS_SCRAPES (default 200)."""
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import Daemon, free_port, report, start_tailnet  # noqa: E402

PEERS = int(os.environ.get("BENCH_METRICS_PEERS", "16"))
SCRAPES = int(os.environ.get("BENCH_METRICS_SCRAPES", "200"))


def settle(hub, events, seconds=120):
    deadline = time.monotonic() + seconds
    while json.loads(hub.cli("health"))["event_count"] != events:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the hub did not reach {events} events within {seconds} s")
        time.sleep(0.1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    root = tempfile.mkdtemp(prefix="thrum-bench-metrics-")
    tailnet, tailscaled = start_tailnet(root)
    fleet = []
    try:
        hub = Daemon(root, "hub", sync=True, tailscaled=tailscaled)
        metrics_port = free_port()
        hub.env["THRUM_METRICS_LISTEN"] = f"127.0.0.1:{metrics_port}"
        peers = [Daemon(root, f"peer{i}", sync=True, tailscaled=tailscaled) for i in range(PEERS)]
        fleet = [hub, *peers]
        for d in fleet:
            d.start()
        for p in peers:
            hub.cli("tsync", "peers", "add", f"127.0.0.1:{p.port}")
            p.cli("tsync", "peers", "add", f"127.0.0.1:{hub.port}")
        for i, d in enumerate(fleet):
            d.cli("agent", "register", f"agent{i}")
            d.cli("send", "--agent", f"agent{i}", "--to", "@everyone", f"hello from {i}")
        settle(hub, 2 * len(fleet))

        connection = http.client.HTTPConnection("127.0.0.1", metrics_port, timeout=10)
        times, size, samples = [], 0, 0
        for _ in range(SCRAPES):
            begin = time.perf_counter()
            connection.request("GET", "/metrics")
            answer = connection.getresponse()
            body = answer.read()
            times.append(time.perf_counter() - begin)
            assert answer.status == 200, answer.status
            size = len(body)
            samples = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
        connection.close()
        control = hub.client()
        control_times = []
        for _ in range(SCRAPES):
            begin = time.perf_counter()
            control.call("metrics")
            control_times.append(time.perf_counter() - begin)
        control.close()

        print(f"metrics of a daemon with {PEERS} peers ({SCRAPES} scrapes each)")
        report("GET /metrics, keep-alive (median)", statistics.median(times) * 1000, "ms")
        report("GET /metrics, keep-alive (p99)", percentile(times, 0.99) * 1000, "ms")
        report("`metrics` on the control socket (median)", statistics.median(control_times) * 1000, "ms")
        report("/metrics body", size / 1024, "KiB")
        report("/metrics samples", samples, "")
    finally:
        for d in fleet:
            d.stop()
        tailnet.terminate()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
