"""`/metrics` of real daemons, read with the Prometheus Python client's text parser:
the counters move when events flow, locally and between two synced daemons."""

from conftest import free_port, get, parse, scrape, wait_until


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def metrics_daemon(make_daemon, name, extra=None):
    port = free_port()
    daemon = make_daemon(name, {"THRUM_METRICS_LISTEN": f"127.0.0.1:{port}", **(extra or {})})
    # The control socket answers first; the listener is up by READY=1, a moment later.
    wait_until(f"{name}'s /healthz", lambda: get(port, "/healthz")[0] == 200)
    return daemon, port


def test_local_writes_move_the_counters_and_every_family_is_described(make_daemon):
    daemon, port = metrics_daemon(make_daemon, "a")
    before = scrape(port)
    assert value(before, "thrum_writes_total") == 0
    assert value(before, "thrum_write_duration_seconds_count") == 0
    assert value(before, "thrum_log_events", origin="local") == 0

    daemon.cli("agent", "register", "alice")
    for i in range(3):
        daemon.cli("send", "--agent", "alice", "--to", "@alice", f"note {i}")

    after = scrape(port)
    assert value(after, "thrum_writes_total") == 4
    assert value(after, "thrum_write_duration_seconds_count") == 4
    assert value(after, "thrum_write_duration_seconds_bucket", le="+Inf") == 4
    assert value(after, "thrum_write_duration_seconds_sum") > 0
    assert value(after, "thrum_log_events", origin="local") == 4
    assert value(after, "thrum_log_events", origin="relayed") == 0
    assert value(after, "thrum_open_connections", listener="metrics") == 1

    # `thrum metrics` prints the same registry through the control socket.
    samples, families = parse(daemon.cli("metrics").stdout)
    assert value(samples, "thrum_writes_total") == 4
    assert all(family.documentation for family in families), [f.name for f in families if not f.documentation]


def test_the_listener_serves_get_only_on_its_two_paths(make_daemon):
    _, port = metrics_daemon(make_daemon, "a")
    status, _, body = get(port, "/healthz")
    assert (status, body) == (200, "ok\n")
    status, headers, _ = get(port, "/metrics", method="POST")
    assert (status, headers["Allow"]) == (405, "GET")
    assert get(port, "/metrics?debug=1")[0] == 200
    assert get(port, "/")[0] == 404
    assert get(port, "/metricsx")[0] == 404


def test_sync_between_two_daemons_moves_the_per_peer_metrics(make_daemon, tailnet):
    synced = {"THRUM_TAILSCALE_ENABLED": "true", "THRUM_TAILSCALE_SOCKET": tailnet, "THRUM_SYNC_INTERVAL": "1h"}
    laptop_sync, runner_sync = free_port(), free_port()
    laptop, laptop_metrics = metrics_daemon(make_daemon, "laptop", {
        **synced, "THRUM_TAILSCALE_HOSTNAME": "laptop", "THRUM_SYNC_LISTEN": f"127.0.0.1:{laptop_sync}"})
    runner, runner_metrics = metrics_daemon(make_daemon, "runner", {
        **synced, "THRUM_TAILSCALE_HOSTNAME": "runner", "THRUM_SYNC_LISTEN": f"127.0.0.1:{runner_sync}"})
    laptop_id = laptop.cli_json("identity")["daemon_id"]
    runner_id = runner.cli_json("identity")["daemon_id"]
    laptop.cli("tsync", "peers", "add", f"127.0.0.1:{runner_sync}")
    runner.cli("tsync", "peers", "add", f"127.0.0.1:{laptop_sync}")

    laptop.cli("agent", "register", "planner")
    for i in range(5):
        laptop.cli("send", "--agent", "planner", "--to", "@planner", f"build {i}")

    # Pushed: the runner pulls the six events without a periodic pass (THRUM_SYNC_INTERVAL=1h).
    wait_until("the runner holds the laptop's six events",
               lambda: value(scrape(runner_metrics), "thrum_log_events", origin="relayed") == 6)
    on_runner = scrape(runner_metrics)
    assert value(on_runner, "thrum_sync_pulls_total", peer=laptop_id, result="ok") >= 1
    assert value(on_runner, "thrum_sync_events_received_total", peer=laptop_id) >= 6
    assert value(on_runner, "thrum_sync_peer_lag", peer=laptop_id) == 0
    assert 0 <= value(on_runner, "thrum_sync_peer_last_sync_age_seconds", peer=laptop_id) < 60
    assert value(on_runner, "thrum_sync_peers") == 1
    assert value(on_runner, "thrum_sync_auth_decisions_total", check="key_proof", outcome="allowed") >= 1
    assert value(on_runner, "thrum_writes_total") == 0

    on_laptop = scrape(laptop_metrics)
    assert value(on_laptop, "thrum_sync_notifies_sent_total", peer=runner_id, result="ok") >= 1
    # The stand-in tailscaled names 127.0.0.1 "loopback"; the runner's pulls are served to it.
    assert value(on_laptop, "thrum_sync_requests_received_total", method="sync.pull", host="loopback", result="ok") >= 1
    assert value(on_laptop, "thrum_sync_auth_decisions_total", check="whois", outcome="allowed") >= 1
    assert value(on_laptop, "thrum_open_connections", listener="sync") is not None
    assert value(on_laptop, "thrum_log_events", origin="local") == 6
