"""`make bench`: the name race of issue 20 under a partition. BENCH_PARTITION_NODES (default 4)
daemons on loopback are split in two halves that sync only inside themselves; on every daemon an
agent called "worker" (the same name everywhere, registered before any sync) sends to @everyone for BENCH_PARTITION_SECONDS
(default 60). Then the halves are joined and synced until every daemon holds every event, and
each acknowledged message (`thrum send` printed its ID) is read back on every daemon.
Prints: writes acknowledged, lost (not readable with its text on some daemon) and differences
(daemons whose @everyone inboxes differ from the first one's). Asserts nothing."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench import THRUM, Daemon, start_tailnet  # noqa: E402

NODES = int(os.environ.get("BENCH_PARTITION_NODES", "4"))
SECONDS = float(os.environ.get("BENCH_PARTITION_SECONDS", "60"))


def pair(a, b):
    a.cli("tsync", "peers", "add", f"127.0.0.1:{b.port}")


def inbox(node, reader):
    out = node.cli("inbox", "--agent", reader, "--limit", "1000", "--json")
    return sorted((m["message_id"], m["text"]) for m in json.loads(out)["messages"])


def main():
    root = tempfile.mkdtemp(prefix="thrum-bench-partition-")
    tailnet, tailscaled = start_tailnet(root)
    fleet = [Daemon(root, f"p{i}", sync=True, tailscaled=tailscaled) for i in range(NODES)]
    try:
        for node in fleet:
            node.start()
        # Every daemon registers the name before it has synced with any other.
        for index, node in enumerate(fleet):
            node.cli("agent", "register", "worker")
            node.cli("agent", "register", f"reader{index}")
        half = NODES // 2
        for side in (fleet[:half], fleet[half:]):
            for a in side:
                for b in side:
                    if a is not b:
                        pair(a, b)
        acknowledged = {}
        deadline = time.monotonic() + SECONDS
        count = 0
        while time.monotonic() < deadline:
            node = fleet[count % NODES]
            text = f"write {count} from {node.name}"
            sent = subprocess.run([THRUM, "send", "--agent", "worker", "--to", "@everyone", text], env=node.env,
                                  capture_output=True, text=True)
            if sent.returncode == 0:
                acknowledged[sent.stdout.strip()] = text
            count += 1
        heal_started = time.monotonic()
        for a in fleet[:half]:
            for b in fleet[half:]:
                pair(a, b)
                pair(b, a)
        while True:
            for node in fleet:
                node.cli("tsync", "force")
            counts = {json.loads(node.cli("health"))["event_count"] for node in fleet}
            if len(counts) == 1:
                break
        settle = time.monotonic() - heal_started
        lost = set()
        for index, node in enumerate(fleet):
            for message_id, text in acknowledged.items():
                read = subprocess.run([THRUM, "message", "read", message_id, "--agent", f"reader{index}", "--json"],
                                      env=node.env, capture_output=True, text=True)
                if read.returncode != 0 or json.loads(read.stdout)["text"] != text:
                    lost.add(message_id)
        views = [inbox(node, f"reader{index}") for index, node in enumerate(fleet)]
        differences = sum(1 for view in views[1:] if view != views[0])
        print(f"{'partition soak, ' + str(NODES) + ' daemons, one agent name on all, ' + format(SECONDS, 'g') + ' s':<58}"
              f" {len(acknowledged):>6} acknowledged, {len(lost)} lost, {differences} differences, settle {settle:.1f} s")
    finally:
        for node in fleet:
            if node.process and node.process.poll() is None:
                node.process.terminate()
                node.process.wait(timeout=30)
        tailnet.terminate()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
