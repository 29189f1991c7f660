"""Claims (issue 22), for `make bench`:

1. The time from `claim.add` on A (what `thrum claim add` calls) until B's `claim.check` of the
   path (what `thrum claim check` and the pre-commit hook call) names it: p50 and p99 over
   CLAIM_SAMPLES claims, A and B synced by notifies only.
2. The time from `claim.add` on A until it is confirmed there (`claim.wait_confirmed`), with
   three daemons A, B and C in a mesh: p50 and p99 over CLAIM_SAMPLES claims.
3. The cost of one `claim.check` of a 1,000-path staged commit against 1,000 live claims (half
   the paths claimed), next to the same daemon's `agent.list` round trip as the floor a control
   call costs here.
Prints, never asserts."""
import os
import shutil
import tempfile
import time

from bench import Daemon, report, report_percentiles, start_tailnet

SAMPLES = int(os.environ.get("CLAIM_SAMPLES", "100"))
CLAIMS = 1000


def mesh(root, tailscaled, names):
    daemons = [Daemon(root, name, sync=True, tailscaled=tailscaled) for name in names]
    for d in daemons:
        d.start()
    for d in daemons:
        for other in daemons:
            if other is not d:
                d.cli("tsync", "peers", "add", f"127.0.0.1:{other.port}")
    for d, name in zip(daemons, names):
        d.cli("agent", "register", f"agent-{name}")
    return daemons


def bench_propagation(root, tailscaled):
    a, b = mesh(root, tailscaled, ["a", "b"])
    try:
        ca, cb = a.client(), b.client()
        latencies = []
        for i in range(SAMPLES):
            path = f"src/p{i}/file.swift"
            ca.call("claim.add", {"agent": "agent-a", "project": "bench", "patterns": [f"src/p{i}/**"]})
            begin = time.perf_counter()
            while not cb.call("claim.check", {"agent": "agent-b", "project": "bench", "paths": [path]})["held"]:
                time.sleep(0.0005)
            latencies.append(time.perf_counter() - begin)
        report_percentiles("claim add on A → claim check on B names it", latencies)
        ca.close()
        cb.close()
    finally:
        a.stop()
        b.stop()


def bench_confirmation(root, tailscaled):
    daemons = mesh(root, tailscaled, ["x", "y", "z"])
    try:
        c = daemons[0].client()
        latencies = []
        for i in range(SAMPLES):
            begin = time.perf_counter()
            claim = c.call("claim.add", {"agent": "agent-x", "project": "bench", "patterns": [f"task:t{i}"]})
            waited = c.call("claim.wait_confirmed", {"agent": "agent-x", "claim_id": claim["claim_id"], "timeout_ms": 30000})
            if waited["timed_out"] or not waited["claim"]["confirmed"]:
                raise RuntimeError(f"not confirmed: {waited}")
            latencies.append(time.perf_counter() - begin)
        report_percentiles("claim add on A → confirmed on A, 3 daemons", latencies)
        c.close()
    finally:
        for d in daemons:
            d.stop()


def bench_check(root):
    d = Daemon(root, "check")
    d.start()
    try:
        for name in ("alice", "bob"):
            d.cli("agent", "register", name)
        c = d.client()
        for i in range(CLAIMS):
            c.call("claim.add", {"agent": "alice", "project": "bench", "patterns": [f"dir{i}/**"]})
        paths = [f"dir{i}/file.swift" if i % 2 == 0 else f"other{i}/file.swift" for i in range(1000)]
        checks, floors = [], []
        for _ in range(7):
            begin = time.perf_counter()
            result = c.call("claim.check", {"agent": "bob", "project": "bench", "paths": paths})
            checks.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            c.call("agent.list")
            floors.append(time.perf_counter() - begin)
        if len(result["held"]) != 500:
            raise RuntimeError(f"expected 500 held paths, got {len(result['held'])}")
        check, floor = sorted(checks)[3], sorted(floors)[3]
        report(f"claim check, 1,000 paths x {CLAIMS:,} live claims (median)", check * 1000, "ms")
        report("  agent.list on the same daemon (median)", floor * 1000, "ms")
        report("  ratio", check / floor, "x")
        c.close()
    finally:
        d.stop()


def main():
    root = tempfile.mkdtemp(prefix="thrum-claims-")
    tailnet, tailscaled = start_tailnet(root)
    try:
        print("claims: propagation, confirmation and the cost of a check")
        for part in ("propagation", "confirmation", "check"):
            os.makedirs(os.path.join(root, part))
        bench_propagation(os.path.join(root, "propagation"), tailscaled)
        bench_confirmation(os.path.join(root, "confirmation"), tailscaled)
        bench_check(os.path.join(root, "check"))
    finally:
        tailnet.terminate()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
