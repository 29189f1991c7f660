"""Signed, chained Thrum events from Python, as Sources/ThrumCore/Signing.swift and
EventChain.swift make them: for the fuzz seeds and the benchmarks that play a forking daemon."""
import base64
import hashlib
import json

GENESIS = "0" * 64


class Signer:
    """One daemon identity: an Ed25519 key from a 32-byte seed, and its daemon ID."""

    def __init__(self, seed):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        self.key = Ed25519PrivateKey.from_private_bytes(seed)
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()
        self.seed_hex = seed.hex()
        self.daemon_id = "d_" + base64.b32encode(hashlib.sha256(raw).digest()).decode().lower().rstrip("=")[:16]
        self.fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode()

    def event(self, sequence, prev, data, event_type="message.create", event_id=None,
              timestamp="2025-06-15T12:00:00.000Z"):
        """The event (a dict) at `sequence` after `prev`, signed, and its chain hash."""
        data = data if isinstance(data, str) else json.dumps(data)
        event = {"event_id": event_id or "evt_py%d_%s" % (sequence, hashlib.sha256(data.encode()).hexdigest()[:8]),
                 "type": event_type, "timestamp": timestamp, "origin_daemon": self.daemon_id,
                 "origin_key": self.public_key, "sequence": sequence, "prev": prev, "data": data}
        payload = "|".join([event["event_id"], event_type, timestamp, self.daemon_id, str(sequence),
                            hashlib.sha256(data.encode()).hexdigest(), prev]).encode()
        event["signature"] = base64.b64encode(self.key.sign(payload)).decode()
        return event, hashlib.sha256(payload).hexdigest()

    def chain(self, datas, start=1, prev=GENESIS, **fields):
        """Events for `datas` at sequences start, start+1, …, each naming the one before."""
        events = []
        for offset, data in enumerate(datas):
            event, prev = self.event(start + offset, prev, data, **fields)
            events.append(event)
        return events, prev
