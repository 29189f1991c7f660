"""Delivery states (issue 21), for `make bench`:

1. What receipts add per message, for a direct message, a group of 10 and @everyone with 50
   agents: the create's bytes (it lists a group's or @everyone's recipients), and the receipt
   events and bytes when every recipient reads the message alone and then acknowledges it (the
   most a message can cost), when each reads DELIVERY_BATCH messages in one inbox call, and
   when each reads them one call at a time, as a `thrum wait` loop does (reads within
   THRUM_RECEIPT_WINDOW, 500 ms, share a receipt). Bytes are the events' JSON as a sync.pull
   page carries them.
2. The time from an acknowledgement on B (message.ack, what `thrum ack` calls) until A's
   message.status (what `thrum message status` calls) shows it: p50 and p99 over
   DELIVERY_ACKS messages, A and B synced by notifies only, polling A's control socket.
Prints, never asserts."""
import json
import os
import shutil
import tempfile
import time

from bench import Daemon, report, report_percentiles, start_tailnet
from rpc import Client

ACKS = int(os.environ.get("DELIVERY_ACKS", "200"))
BATCH = int(os.environ.get("DELIVERY_BATCH", "100"))


def new_events(daemon, after):
    """The events after log position `after`, as a sync.pull page carries them, and the new position."""
    puller = Client(address=("127.0.0.1", daemon.port))
    events, position = [], after
    while True:
        page = puller.call("sync.pull", {"after_seq": position, "limit": 1000})
        events += page["events"]
        position = page["next_seq"]
        if not page["more_available"]:
            break
    puller.close()
    return events, position


def all_read(client, message):
    """Waits until every recipient of `message` read it by receipt (their window closed)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = client.call("message.status", {"agent": "sender", "message_id": message})
        if all(r["state"] in ("read", "acknowledged") for r in status["recipients"]):
            return
        time.sleep(0.01)
    raise RuntimeError(f"{message}: not read by every recipient within 30 s")


def size(event):
    return len(json.dumps(event, separators=(",", ":")))


def bench_cost(root, tailscaled):
    d = Daemon(root, "cost", sync=True, tailscaled=tailscaled)
    d.start()
    c = d.client()
    try:
        agents = [f"agent{i:02d}" for i in range(50)]
        for name in ["sender"] + agents:
            c.call("agent.register", {"agent": name})
        c.call("group.create", {"agent": agents[0], "group": "ten"})
        for name in agents[1:10]:
            c.call("group.join", {"agent": name, "group": "ten"})
        _, position = new_events(d, 0)
        for label, to, readers in (("direct message", "@agent00", agents[:1]), ("group of 10", "@ten", agents[:10]),
                                   ("@everyone, 50 agents", "@everyone", agents)):
            # One message, read alone and acknowledged by every recipient.
            message = c.call("message.send", {"agent": "sender", "to": to, "text": "bench", "ack_required": True})["message_id"]
            for name in readers:
                c.call("message.read", {"agent": name, "message_id": message})
                c.call("message.ack", {"agent": name, "message_id": message})
            events, position = new_events(d, position)
            create = [e for e in events if e["type"] == "message.create"]
            receipts = [e for e in events if e["type"] == "message.receipt"]
            report(f"{label}: the create", size(create[0]), "B")
            report(f"{label}: receipts, read alone then acknowledged (events)", len(receipts), "events")
            report(f"{label}: receipts, read alone then acknowledged (bytes)", sum(map(size, receipts)), "B")
            # BATCH messages, each recipient reading them all in one inbox call.
            for _ in range(BATCH):
                c.call("message.send", {"agent": "sender", "to": to, "text": "bench"})
            _, position = new_events(d, position)
            for name in readers:
                c.call("message.inbox", {"agent": name, "unread_only": True, "limit": BATCH, "mark_read": True})
            last = c.call("message.sent", {"agent": "sender", "limit": 1})["messages"][-1]["message_id"]
            all_read(c, last)
            events, position = new_events(d, position)
            receipts = [e for e in events if e["type"] == "message.receipt"]
            report(f"{label}: receipts per message, {BATCH} read in one call (events)", len(receipts) / BATCH, "events")
            report(f"{label}: receipts per message, {BATCH} read in one call (bytes)", sum(map(size, receipts)) / BATCH, "B")
            # BATCH messages, each recipient reading them one call at a time.
            sent = [c.call("message.send", {"agent": "sender", "to": to, "text": "bench"})["message_id"] for _ in range(BATCH)]
            _, position = new_events(d, position)
            for name in readers:
                for message in sent:
                    c.call("message.read", {"agent": name, "message_id": message})
            all_read(c, sent[-1])
            events, position = new_events(d, position)
            receipts = [e for e in events if e["type"] == "message.receipt"]
            report(f"{label}: receipts per message, {BATCH} read one call each (events)", len(receipts) / BATCH, "events")
            report(f"{label}: receipts per message, {BATCH} read one call each (bytes)", sum(map(size, receipts)) / BATCH, "B")
    finally:
        c.close()
        d.stop()


def bench_latency(root, tailscaled):
    a = Daemon(root, "a", sync=True, tailscaled=tailscaled)
    b = Daemon(root, "b", sync=True, tailscaled=tailscaled)
    a.start()
    b.start()
    try:
        a.cli("tsync", "peers", "add", f"127.0.0.1:{b.port}")
        b.cli("tsync", "peers", "add", f"127.0.0.1:{a.port}")
        a.cli("agent", "register", "alice")
        b.cli("agent", "register", "bob")
        while "bob" not in a.cli("agent", "list"):
            time.sleep(0.01)
        ca, cb = a.client(), b.client()
        latencies = []
        for i in range(ACKS):
            message = ca.call("message.send", {"agent": "alice", "to": "@bob", "text": f"ack me {i}", "ack_required": True})["message_id"]
            while True:
                try:
                    cb.call("message.read", {"agent": "bob", "message_id": message})
                    break
                except RuntimeError:
                    time.sleep(0.001)
            begin = time.perf_counter()
            cb.call("message.ack", {"agent": "bob", "message_id": message})
            while ca.call("message.status", {"agent": "alice", "message_id": message})["recipients"][0]["state"] != "acknowledged":
                time.sleep(0.0005)
            latencies.append(time.perf_counter() - begin)
        report_percentiles("ack on B → acknowledged in status on A", latencies)
        ca.close()
        cb.close()
    finally:
        a.stop()
        b.stop()


def main():
    root = tempfile.mkdtemp(prefix="thrum-delivery-")
    tailnet, tailscaled = start_tailnet(root)
    try:
        print("delivery states: cost per message and acknowledgement latency")
        for part in ("cost", "latency"):
            os.makedirs(os.path.join(root, part))
        bench_cost(os.path.join(root, "cost"), tailscaled)
        bench_latency(os.path.join(root, "latency"), tailscaled)
    finally:
        tailnet.terminate()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
