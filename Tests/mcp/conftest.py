"""Real Thrum daemons and `thrum mcp serve` processes for the MCP tests.

Each daemon gets its own state directory and control socket under a fresh
directory in /tmp (a unix socket path must stay under 108 bytes)."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
THRUM = os.environ.get("THRUM_BIN") or str(REPO / ".build" / "debug" / "thrum")


class Daemon:
    """One `thrum daemon start` with its own state, socket and log file."""

    def __init__(self, root: Path, name: str, extra_env: dict | None = None):
        self.root = root
        self.name = name
        self.socket = str(root / f"{name}.sock")
        self.log_path = root / f"{name}.log"
        self.env = dict(os.environ)
        for key in [k for k in self.env if k.startswith("THRUM_")]:
            del self.env[key]
        self.env.update({
            "THRUM_STATE_DIR": str(root / name),
            "THRUM_SOCKET": self.socket,
            "THRUM_CONFIG": "/nonexistent",
            "THRUM_LOG": "stderr",
        })
        self.env.update(extra_env or {})
        self.process = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([THRUM, "daemon", "start"], env=self.env, stdout=log, stderr=log)
        # Bounded readiness poll: the daemon answers `thrum status` once its socket is up.
        for _ in range(200):
            if self.process.poll() is not None:
                raise RuntimeError(f"daemon {self.name} exited: {self.log_path.read_text()}")
            if self.cli("status", check=False).returncode == 0:
                return self
            time.sleep(0.05)
        raise RuntimeError(f"daemon {self.name} did not become ready: {self.log_path.read_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cli(self, *args, check=True):
        result = subprocess.run([THRUM, *args], env=self.env, capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"thrum {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def cli_json(self, *args):
        return json.loads(self.cli(*args, "--json").stdout)

    def mcp_env(self, agent: str | None = None) -> dict:
        env = dict(self.env)
        if agent is not None:
            env["THRUM_AGENT"] = agent
        return env


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="thrum-mcp-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def daemon(workdir):
    d = Daemon(workdir, "a").start()
    yield d
    d.stop()


@pytest.fixture
def make_daemon(workdir):
    started = []

    def make(name, extra_env=None):
        d = Daemon(workdir, name, extra_env).start()
        started.append(d)
        return d

    yield make
    for d in started:
        d.stop()


@pytest.fixture
def tailnet(workdir):
    """The stand-in tailscaled (Tests/support/fake-tailscaled.py): loopback is
    a tagged node (offline, so discovery never dials it), which the sync
    port's WhoIs authorization admits. Yields its socket path."""
    tailnet_map = workdir / "tailnet.json"
    tailnet_map.write_text(json.dumps({"self": "mcp-test", "nodes": [
        {"hostname": "loopback", "ips": ["127.0.0.1"], "tags": ["tag:thrum-daemon"], "online": False}]}))
    sock = workdir / "tailscaled.sock"
    process = subprocess.Popen(["python3", str(REPO / "Tests" / "support" / "fake-tailscaled.py"),
                                "--socket", str(sock), "--map", str(tailnet_map)])
    for _ in range(200):
        if sock.exists():
            break
        time.sleep(0.02)
    yield str(sock)
    process.terminate()
    process.wait(timeout=10)

