"""`make bench`: a retention pass over a large log while a client keeps writing.
Builds upgrade.py's store of BENCH_RETENTION_EVENTS (default 1,000,000) events, all
from June 2025, lets the daemon upgrade it, then restarts it with THRUM_RETENTION=30d:
its first pass removes every expiring event while one client sends messages one after
another on the control socket. Prints the pass time (from the daemon's own log line),
how many writes went through during it and their latency. Asserts nothing."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from rpc import Client  # noqa: E402
from upgrade import THRUM, build_schema4_store  # noqa: E402

EVENTS = int(os.environ.get("BENCH_RETENTION_EVENTS", "1000000"))


def wait_for_line(daemon, log_path, pattern):
    while True:
        with open(log_path) as log:
            found = next((line for line in log if re.search(pattern, line)), None)
        if found:
            return found
        if daemon.poll() is not None:
            raise RuntimeError(f"the daemon exited before logging {pattern!r}")
        time.sleep(0.01)


def connect(path):
    while True:
        try:
            return Client(path=path)
        except OSError:
            time.sleep(0.01)


def main():
    root = tempfile.mkdtemp(prefix="thrum-bench-retention-")
    try:
        env, rows = build_schema4_store(root, EVENTS)
        log_path = os.path.join(root, "upgrade.log")
        with open(log_path, "w") as log:
            daemon = subprocess.Popen([THRUM, "daemon", "start"], env=env, stderr=log)
        wait_for_line(daemon, log_path, r"control: listening")
        # The bound: the same writes on the same log with no pass running.
        client = connect(env["THRUM_SOCKET"])
        client.call("agent.register", {"agent": "writer"})
        baseline = []
        for i in range(300):
            start = time.perf_counter()
            client.call("message.send", {"agent": "writer", "to": "@writer", "text": f"baseline {i}"})
            baseline.append(time.perf_counter() - start)
        client.close()
        baseline.sort()
        daemon.terminate()
        daemon.wait(timeout=60)

        log_path = os.path.join(root, "retention.log")
        with open(log_path, "w") as log:
            daemon = subprocess.Popen([THRUM, "daemon", "start"], env=dict(env, THRUM_RETENTION="30d"), stderr=log)
        client = connect(env["THRUM_SOCKET"])
        latencies = []
        passed = None
        while passed is None:
            start = time.perf_counter()
            client.call("message.send", {"agent": "writer", "to": "@writer", "text": f"write {len(latencies)}"})
            latencies.append(time.perf_counter() - start)
            with open(log_path) as log:
                passed = next((line for line in log if "[retention] removed" in line), None)
            if daemon.poll() is not None:
                raise RuntimeError("the daemon exited during the pass")
        status = client.call("status")
        client.close()
        daemon.terminate()
        daemon.wait(timeout=60)

        found = re.search(r"removed (\d+) events .* in ([0-9.]+) seconds", passed)
        if not found:
            raise RuntimeError(f"unexpected retention line: {passed.strip()}")
        removed, seconds = int(found.group(1)), float(found.group(2))
        latencies.sort()
        label = f"retention pass, {format(len(rows), ',')}-event log (THRUM_RETENTION=30d)"
        print(f"{label:<58} {seconds:>12.3f} s")
        print(f"{'  events removed':<58} {removed:>12,}")
        print(f"{'  the same, as events per second':<58} {removed / seconds:>12.0f} events/s")
        print(f"{'  writes during the pass (one client, one at a time)':<58} {len(latencies):>12,}")
        for name, rank in (("median", 0.5), ("p99", 0.99), ("max", 1.0)):
            during = latencies[min(len(latencies) - 1, int(len(latencies) * rank))]
            without = baseline[min(len(baseline) - 1, int(len(baseline) * rank))]
            print(f"{'  write latency, ' + name + ': during the pass / without one':<58} {during * 1000:>12.3f} ms "
                  f"/ {without * 1000:.3f} ms ({during / without:.1f}x)")
        print(f"{'  events left, log size on disk':<58} {status['event_count']:>12,} "
              f"({status['log_bytes'] / 1048576:.1f} MiB)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
