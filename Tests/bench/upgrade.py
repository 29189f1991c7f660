"""`make bench`: how long the schema 5 upgrade (scoped agents: the log copied under its new
dedup key, every topic worked out again in its origin's scope, every projection re-derived)
takes on a large log. Starts from the schema 4 store the release before wrote
(Tests/fixtures/schema4/laptop.db), replaces its events with BENCH_UPGRADE_EVENTS (default
1,000,000) legacy events of a busy fleet straight in SQLite, starts the daemon on it and reads
the time from its start-up log line `store: upgraded … to schema 5 in N ms`. Prints, asserts
nothing."""
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import shutil
import time

sys.path.insert(0, os.path.dirname(__file__))
from rpc import Client  # noqa: E402

THRUM = os.environ["THRUM_BIN"]
EVENTS = int(os.environ.get("BENCH_UPGRADE_EVENTS", "1000000"))


def event_rows(count, rng):
    """A fleet of 20 daemons and 200 agents (1 in 10 registered on two daemons at once):
    mostly messages, some edits, deletes, joins, leaves, sessions and heartbeats."""
    origins = ["d_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(16)) for _ in range(20)]
    sequence = {o: 0 for o in origins}
    agents = []
    base = 1_750_000_000_000
    rows = []

    def add(origin, kind, data, ms):
        sequence[origin] += 1
        rows.append((f"evt_{len(rows):012d}", kind, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
                     + ".%03dZ" % (ms % 1000), origin, "key", sequence[origin], json.dumps(data, sort_keys=True),
                     "sig", "d_peer", "2026-01-01T00:00:00.000Z"))

    for i in range(200):
        name = f"agent{i}"
        owner = origins[i % len(origins)]
        agents.append((name, owner))
        add(owner, "agent.register", {"agent": name, "role": "coder", "host": "h"}, base + i)
        if i % 10 == 0:
            add(origins[(i + 1) % len(origins)], "agent.register", {"agent": name, "role": "rival", "host": "h2"}, base + i + 1)
    message = 0
    while len(rows) < count:
        name, owner = agents[rng.randrange(len(agents))]
        ms = base + 1000 + len(rows)
        roll = rng.random()
        if roll < 0.80 or message == 0:
            message += 1
            add(owner, "message.create", {"message_id": f"msg_{message}", "from": name, "to": "@everyone",
                                          "text": "a message of ordinary length " * 3}, ms)
        elif roll < 0.85:
            add(owner, "message.edit", {"message_id": f"msg_{rng.randrange(1, message + 1)}", "agent": name,
                                        "text": "edited"}, ms)
        elif roll < 0.87:
            add(owner, "message.delete", {"message_id": f"msg_{rng.randrange(1, message + 1)}", "agent": name}, ms)
        elif roll < 0.92:
            kind = "group.join" if rng.random() < 0.7 else "group.leave"
            add(owner, kind, {"group": f"group{rng.randrange(10)}", "agent": name}, ms)
        else:
            kind = "session.heartbeat" if rng.random() < 0.8 else "session.start"
            add(owner, kind, {"session_id": f"ses_{name}", "agent": name}, ms)
    return rows


FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "schema4", "laptop.db")


def legacy_topic(kind, data):
    """What the release before stored beside an event: the bare subject and actor."""
    payload = json.loads(data)
    actor = payload.get("agent") or payload.get("from")
    subject = {"agent": payload.get("agent"), "message": payload.get("message_id"), "session": payload.get("session_id"),
               "group": payload.get("group")}[kind.split(".")[0]]
    return subject, actor


def build_schema4_store(root, count):
    """A state folder under `root` whose store is the release before's schema 4 file, holding
    `count` events of `event_rows` (timestamps from June 2025) instead of its own. Returns the
    daemon's environment and the rows."""
    state = os.path.join(root, "state")
    env = dict(os.environ, THRUM_STATE_DIR=state, THRUM_SOCKET=os.path.join(root, "thrum.sock"),
               THRUM_CONFIG=os.path.join(root, "none.env"), THRUM_LOG="stderr")
    os.makedirs(state, mode=0o700, exist_ok=True)
    path = os.path.join(state, "thrum.db")
    shutil.copyfile(FIXTURE, path)
    db = sqlite3.connect(path)
    db.executescript("""
        DELETE FROM events; DELETE FROM message_reads; DELETE FROM agents; DELETE FROM agent_owners;
        DELETE FROM messages; DELETE FROM sessions; DELETE FROM "groups"; DELETE FROM group_members;
        DELETE FROM origin_frontier; DELETE FROM sync_checkpoints;
    """)
    rows = event_rows(count, random.Random(7))
    db.executemany("""INSERT INTO events (event_id, type, timestamp, origin_daemon, origin_key, sequence, data,
                      signature, received_from, received_at, subject, actor, at_ms)
                      VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                   (row + legacy_topic(row[1], row[6]) + (1_750_000_000_000 + index,) for index, row in enumerate(rows)))
    # What the release before derived from them: the first registration of a name owns it.
    owners = {}
    for row in sorted((r for r in rows if r[1] == "agent.register"), key=lambda r: (r[2], r[0])):
        owners.setdefault(json.loads(row[6])["agent"], row)
    db.executemany("INSERT INTO agent_owners VALUES (?, 0, ?, ?, NULL)",
                   ((name, row[3], row[5]) for name, row in owners.items()))
    db.executemany("INSERT INTO agents VALUES (?, ?, ?, ?, ?, 0)",
                   ((name, json.loads(row[6])["role"], json.loads(row[6])["host"], row[3], row[2])
                    for name, row in owners.items()))
    db.execute("UPDATE log_counters SET value = ? WHERE name = 'events'", (len(rows),))
    db.execute("INSERT INTO origin_frontier SELECT origin_daemon, MAX(sequence) FROM events GROUP BY origin_daemon")
    db.commit()
    db.close()
    return env, rows


def main():
    root = tempfile.mkdtemp(prefix="thrum-bench-upgrade-")
    try:
        env, rows = build_schema4_store(root, EVENTS)

        log_path = os.path.join(root, "daemon.log")
        begin = time.perf_counter()
        with open(log_path, "w") as log:
            daemon = subprocess.Popen([THRUM, "daemon", "start"], env=env, stderr=log)
        line = ""
        while not line:
            with open(log_path) as log:
                line = next((l for l in log if "upgraded" in l or "error" in l.lower()), "")
            if daemon.poll() is not None and not line:
                raise RuntimeError("the daemon exited before upgrading")
            time.sleep(0.01)
        ready = time.perf_counter() - begin
        found = re.search(r"to schema 5 in (\d+) ms", line)
        if not found:
            daemon.terminate()
            raise RuntimeError(f"no upgrade line; the daemon said: {line.strip()}")
        while True:
            try:
                client = Client(path=env["THRUM_SOCKET"])
                break
            except OSError:
                time.sleep(0.01)
        timings = {}
        for method in ("status", "health"):
            samples = []
            for _ in range(50):
                start = time.perf_counter()
                client.call(method)
                samples.append(time.perf_counter() - start)
            samples.sort()
            timings[method] = (samples[len(samples) // 2], samples[-1])
        client.close()
        daemon.terminate()
        daemon.wait(timeout=60)
        ms = int(found.group(1))
        print(f"{'upgrade to schema 5, ' + format(len(rows), ',') + ' events (scoped agents)':<58} {ms / 1000:>12.3f} s")
        print(f"{'  the same, as events per second':<58} {len(rows) / (ms / 1000):>12.0f} events/s")
        print(f"{'  daemon start until the upgrade line':<58} {ready:>12.3f} s")
        if " ms: " in line:
            print(f"  what it changed: {line.split(' ms: ', 1)[1].split(' component=')[0].strip()}")
        for method, (median, worst) in timings.items():
            print(f"{'  ' + method + ' on that log, control socket, median of 50':<58} {median * 1000:>12.3f} ms (max {worst * 1000:.3f})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
