"""Benchmarks for `make bench`: start-up, control-socket round trips, local
write throughput, sync catch-up, propagation latency, peak RSS. Prints figures;
asserts nothing about speed."""
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from rpc import Client  # noqa: E402

THRUM = os.environ["THRUM_BIN"]
CATCH_UP_EVENTS = int(os.environ.get("BENCH_CATCH_UP_EVENTS", "100000"))
LATENCY_SENDS = int(os.environ.get("BENCH_LATENCY_SENDS", "1000"))
LOCAL_SENDS = int(os.environ.get("BENCH_LOCAL_SENDS", "10000"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_tailnet(root):
    """The stand-in tailscaled: loopback is a tagged (offline, so never
    discovered) node, so the sync port's WhoIs authorization admits it."""
    path = os.path.join(root, "tailnet.json")
    with open(path, "w") as f:
        json.dump({"self": "bench", "nodes": [{"hostname": "loopback", "ips": ["127.0.0.1"],
                                               "tags": ["tag:thrum-daemon"], "online": False}]}, f)
    sock = os.path.join(root, "tailscaled.sock")
    here = os.path.dirname(os.path.abspath(__file__))
    process = subprocess.Popen([sys.executable, os.path.join(here, "..", "support", "fake-tailscaled.py"),
                                "--socket", sock, "--map", path])
    while not os.path.exists(sock):
        time.sleep(0.01)
    return process, sock


class Daemon:
    def __init__(self, root, name, sync=False, tailscaled=None, binary=None):
        self.name = name
        self.binary = binary or THRUM
        self.state = os.path.join(root, name)
        self.socket = os.path.join(root, name + ".sock")
        self.port = free_port()
        self.env = dict(os.environ, THRUM_STATE_DIR=self.state, THRUM_SOCKET=self.socket,
                        THRUM_CONFIG=os.path.join(root, "none.env"), THRUM_LOG="stderr",
                        THRUM_TAILSCALE_HOSTNAME=name)
        if sync:
            self.env.update(THRUM_TAILSCALE_ENABLED="true", THRUM_SYNC_LISTEN=f"127.0.0.1:{self.port}",
                            THRUM_SYNC_INTERVAL="1h", THRUM_TAILSCALE_SOCKET=tailscaled)
        self.log = open(os.path.join(root, name + ".log"), "w")
        self.process = None

    def start(self):
        """Starts the daemon; returns seconds until its control socket answers."""
        begin = time.perf_counter()
        self.process = subprocess.Popen([self.binary, "daemon", "start"], env=self.env, stderr=self.log)
        while True:
            try:
                c = Client(path=self.socket)
                c.call("status")
                c.close()
                return time.perf_counter() - begin
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited")
                time.sleep(0.0005)

    def cli(self, *args):
        return subprocess.run([self.binary, *args], env=self.env, check=True, capture_output=True, text=True).stdout

    def client(self):
        return Client(path=self.socket)

    def metrics(self, *names):
        """Label-less samples from one `thrum metrics`, in the order of `names`."""
        samples = dict(line.split()[:2] for line in self.cli("metrics").splitlines()
                       if line and not line.startswith("#") and len(line.split()) >= 2)
        missing = [name for name in names if name not in samples]
        if missing:
            raise RuntimeError(f"no {', '.join(missing)} in thrum metrics")
        return tuple(float(samples[name]) for name in names)

    def writes_and_commits(self):
        """Local writes, commits of them, and commits held back for returning writers so far."""
        return self.metrics("thrum_writes_total", "thrum_write_commits_total", "thrum_write_commits_held_total")

    def peak_rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def pipelined_sends(client, count, sender, to, window=64):
    """Sends `count` messages keeping `window` requests in flight; returns seconds."""
    begin = time.perf_counter()
    in_flight = 0
    for i in range(count):
        client.send("message.send", {"agent": sender, "to": to, "text": f"bench message {i}"})
        in_flight += 1
        if in_flight == window:
            client.receive()
            in_flight -= 1
    for _ in range(in_flight):
        client.receive()
    return time.perf_counter() - begin


def concurrent_writers(daemon, writers, seconds=3.0):
    """Events/s from `writers` clients on their own connections, each sending one message and
    waiting for its answer (every answer comes after the fsync that holds its event)."""
    counts = [0] * writers
    deadline = time.perf_counter() + seconds

    def write(index):
        client = daemon.client()
        while time.perf_counter() < deadline:
            client.call("message.send", {"agent": "alice", "to": "@bob", "text": f"writer {index}"})
            counts[index] += 1
        client.close()

    begin = time.perf_counter()
    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - begin)


def report_percentiles(name, seconds):
    """p50 and p99 of `seconds`, in ms."""
    ordered = sorted(seconds)
    report(f"{name}, p50 of {len(ordered)}", ordered[len(ordered) // 2] * 1000, "ms")
    report(f"{name}, p99 of {len(ordered)}", ordered[int(len(ordered) * 0.99)] * 1000, "ms")


def report(name, value, unit):
    print(f"{name:<58} {value:>12.3f} {unit}")


def bench_local(root):
    d = Daemon(root, "local")
    startups = []
    for _ in range(5):
        startups.append(d.start())
        d.stop()
    report("start to control socket answering (median of 5)", statistics.median(startups) * 1000, "ms")
    d.start()
    d.cli("agent", "register", "alice")
    d.cli("agent", "register", "bob")
    trips = []
    for i in range(100):
        begin = time.perf_counter()
        d.cli("send", "--agent", "alice", "--to", "@bob", f"round trip {i}")
        trips.append(time.perf_counter() - begin)
    report("`thrum send` round trip, whole command (median of 100)", statistics.median(trips) * 1000, "ms")
    c = d.client()
    rpc_trips = []
    for i in range(1000):
        begin = time.perf_counter()
        c.call("message.send", {"agent": "alice", "to": "@bob", "text": f"rpc {i}"})
        rpc_trips.append(time.perf_counter() - begin)
    report("message.send over the socket, one at a time (median)", statistics.median(rpc_trips) * 1000, "ms")
    seconds = pipelined_sends(c, LOCAL_SENDS, "alice", "@bob")
    report(f"{LOCAL_SENDS} sends from one client (signed, fsynced)", LOCAL_SENDS / seconds, "events/s")
    c.close()
    rates = {}
    for writers in (1, 8):
        writes, commits, held = d.writes_and_commits()
        rates[writers] = concurrent_writers(d, writers)
        more_writes, more_commits, more_held = d.writes_and_commits()
        noun = "writer waiting for each answer" if writers == 1 else "writers at once, each waiting for its answer"
        report(f"writes/s, {writers} {noun}", rates[writers], "events/s")
        report("  writes per commit", (more_writes - writes) / max(more_commits - commits, 1), "")
        report("  commits held back for returning writers", more_held - held, "")
    report("  8 writers / 1 writer (group commit)", rates[8] / rates[1], "x")
    d.stop()


def bench_sync(root):
    tailnet, tailscaled = start_tailnet(root)
    a, b = Daemon(root, "a", sync=True, tailscaled=tailscaled), Daemon(root, "b", sync=True, tailscaled=tailscaled)
    a.start()
    b.start()
    a.cli("agent", "register", "sender")
    b.cli("agent", "register", "reader")
    c = a.client()
    pipelined_sends(c, CATCH_UP_EVENTS - 2, "sender", "@sender")
    c.close()
    total = json.loads(a.cli("health"))["event_count"]
    begin = time.perf_counter()
    b.cli("tsync", "peers", "add", f"127.0.0.1:{a.port}")
    b.cli("tsync", "force")
    while json.loads(b.cli("health"))["event_count"] < total + 1:
        time.sleep(0.05)
    seconds = time.perf_counter() - begin
    report(f"catch-up of {total} events A→B (verify + apply)", total / seconds, "events/s")
    report("peak RSS of the pulling daemon (VmHWM)", b.peak_rss_mib(), "MiB")
    a.cli("tsync", "peers", "add", f"127.0.0.1:{b.port}")
    while "reader" not in a.cli("agent", "list"):
        time.sleep(0.05)

    # Propagation latency: a send on A until B's waiting client has the message.
    waiter = b.client()
    sender = a.client()
    latencies = []
    for i in range(LATENCY_SENDS):
        waiter.send("message.wait", {"agent": "reader", "timeout_ms": 10000})
        time.sleep(0.001)
        begin = time.perf_counter()
        sender.call("message.send", {"agent": "sender", "to": "@reader", "text": f"latency {i}"})
        result = waiter.receive()
        if result.get("timed_out"):
            raise RuntimeError("a message did not arrive within 10 s")
        latencies.append(time.perf_counter() - begin)
    report_percentiles("propagation send on A → read on B", latencies)
    waiter.close()
    sender.close()
    a.stop()
    b.stop()
    tailnet.terminate()


def main():
    root = tempfile.mkdtemp(prefix="thrum-bench-")
    try:
        print(f"thrum benchmarks ({THRUM})")
        bench_local(root)
        bench_sync(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
