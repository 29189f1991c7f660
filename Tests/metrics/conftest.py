"""The MCP tests' real-daemon fixtures (workdir, make_daemon, tailnet), reused as they are,
and helpers to read a daemon's metrics with prometheus_client's parser."""

import importlib.util
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

_spec = importlib.util.spec_from_file_location("thrum_mcp_fixtures", Path(__file__).resolve().parents[1] / "mcp" / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
workdir, make_daemon, tailnet = _fixtures.workdir, _fixtures.make_daemon, _fixtures.tailnet


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, method="GET"):
    """(status, headers, body text) of one request to the metrics listener."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def parse(text):
    """Every sample as {(name, ((label, value), ...)): value}, and every family."""
    families = list(text_string_to_metric_families(text))
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families for s in f.samples}
    return samples, families


def scrape(port):
    status, headers, body = get(port, "/metrics")
    assert status == 200, body
    assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(body)[0]


def wait_until(what, condition, seconds=30):
    """Polls `condition` until it returns a true value, which it returns; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
        except (OSError, AssertionError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
