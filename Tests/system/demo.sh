#!/usr/bin/env bash
# make demo: two Thrum daemons on loopback, as if on two machines, exchanging
# messages through Tailscale sync (THRUM_SYNC_LISTEN stands in for tailscale0).
set -euo pipefail
THRUM_BIN=${THRUM_BIN:-.build/debug/thrum}
work=$(mktemp -d /tmp/thrum-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port_a=$((20000 + RANDOM % 20000)); port_b=$((port_a + 1))
# A stand-in tailscaled (Tests/support/fake-tailscaled.py): every sync
# connection is authorized by WhoIs, and on loopback all come from 127.0.0.1,
# which this map makes a tagged node (offline, so discovery does not dial it).
cat >"$work/tailnet.json" <<'MAP'
{"self": "demo", "nodes": [{"hostname": "loopback", "ips": ["127.0.0.1"], "tags": ["tag:thrum-daemon"], "online": false}]}
MAP
python3 "$(dirname "$0")/../support/fake-tailscaled.py" --socket "$work/tailscaled.sock" --map "$work/tailnet.json" &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/tailscaled.sock" ] && break; sleep 0.1; done
# The environment of host "laptop" (a) or "ci-runner" (b).
use_host() {
  local port=$port_a; [ "$1" = ci-runner ] && port=$port_b
  export THRUM_STATE_DIR="$work/$1" THRUM_SOCKET="$work/$1.sock" THRUM_CONFIG="$work/none.env" \
    THRUM_TAILSCALE_ENABLED=true THRUM_TAILSCALE_HOSTNAME="$1" THRUM_SYNC_LISTEN="127.0.0.1:$port" THRUM_LOG=stderr \
    THRUM_TAILSCALE_SOCKET="$work/tailscaled.sock"
}
# Run thrum on a host.
host() { ( use_host "$1"; shift; exec "$THRUM_BIN" "$@" ); }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "starting two daemons: laptop (127.0.0.1:$port_a) and ci-runner (127.0.0.1:$port_b)"
for h in laptop ci-runner; do
  ( use_host "$h"; exec "$THRUM_BIN" daemon start 2>"$work/$h.log" ) &
  pids+=($!)
done
for h in laptop ci-runner; do
  for _ in $(seq 100); do host "$h" status >/dev/null 2>&1 && break; sleep 0.1; done
  host "$h" identity | sed "s/^/[$h] /"
done

say "pairing them (each asks the other who it is and remembers its key)"
host laptop tsync peers add "127.0.0.1:$port_b"
host ci-runner tsync peers add "127.0.0.1:$port_a"

say "registering an agent on each machine"
host laptop agent register planner --role planner
host ci-runner agent register tester --role "CI tests"
sleep 0.5
host laptop agent list

say "planner (laptop) → tester (ci-runner)"
id=$(host laptop send --agent planner --to @tester "Please run the integration suite on PR 42")
echo "sent $id"
reply=$(host ci-runner wait --agent tester --timeout 10s --json)
echo "$reply" | sed 's/^/[ci-runner] /'

say "tester replies from ci-runner; planner waits on the laptop"
host ci-runner reply --agent tester "$id" "Suite passed: 812 tests, 0 failures"
host laptop wait --agent planner --timeout 10s

say "both inboxes"
echo "[laptop] planner:"; host laptop inbox --agent planner
echo "[ci-runner] tester:"; host ci-runner inbox --agent tester

say "sync status"
host laptop tsync peers list
host ci-runner status

say "what sync_auth logged on the laptop"
grep '\[sync_auth\]' "$work/laptop.log" | head -3

say "stopping both daemons"
for p in "${pids[@]}"; do kill -TERM "$p"; done
wait
pids=()
echo "done: both daemons stopped cleanly"
