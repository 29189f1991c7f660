#!/usr/bin/env bash
# Security figures (prints them; asserts nothing):
#  - events/s of a 100,000-event catch-up with THRUM_SECURITY_REQUIRE_SIGNATURES=true
#    (every event through the validation pipeline), next to libsodium's Ed25519
#    verify rate measured in the same run;
#  - sync requests/s and connections/s through the WhoIs gate, each one served
#    by a cached decision, next to the stand-in tailscaled's uncached whois rate.
# Uses the release build: THRUM_BIN, else .build/release/thrum (built if missing).
# EVENTS (default 100000) and BENCH_DIR (default /tmp: the puller's store on a real disk) can be set.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
THRUM_BIN=${THRUM_BIN:-$root/.build/release/thrum}
EVENTS=${EVENTS:-100000}
[ -x "$THRUM_BIN" ] || (cd "$root" && swift build -c release --product thrum >/dev/null)

work=$(mktemp -d "${BENCH_DIR:-/tmp}/thrum-bench.XXXXXX")
# The origin's store only has to be filled fast: tmpfs when there is one.
seed_dir=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "$work")/thrum-bench-seed.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work" "$seed_dir"
}
trap cleanup EXIT

cc -O2 -o "$work/verify-rate" "$root/Tests/bench/verify-rate.c" $(pkg-config --cflags --libs libsodium)
cc -O2 -o "$work/insert-rate" "$root/Tests/bench/insert-rate.c" $(pkg-config --cflags --libs sqlite3)
# libsodium verify on every core at once: one process per core, their rates summed.
verify_all_cores() {
  local out=$work/verify-all.$$
  for i in $(seq "$(nproc)"); do "$work/verify-rate" 50000 >"$out.$i" & done
  wait
  cat "$out".* | python3 -c "import sys; print(sum(float(l) for l in sys.stdin))"
  rm -f "$out".*
}

cat >"$work/tailnet.json" <<'MAP'
{"self": "bench", "nodes": [{"hostname": "loopback", "ips": ["127.0.0.1"], "tags": ["tag:thrum-daemon"], "online": false}]}
MAP
python3 "$root/Tests/support/fake-tailscaled.py" --socket "$work/tailscaled.sock" --map "$work/tailnet.json" &
pids+=($!)
for _ in $(seq 100); do [ -S "$work/tailscaled.sock" ] && break; sleep 0.1; done

port_a=$((20000 + RANDOM % 20000)); port_b=$((port_a + 1))
use_host() {
  local state=$seed_dir/a port=$port_a
  [ "$1" = b ] && { state=$work/b; port=$port_b; }
  export THRUM_STATE_DIR="$state" THRUM_SOCKET="$work/$1.sock" THRUM_CONFIG="$work/none.env" THRUM_LOG=stderr \
    THRUM_TAILSCALE_ENABLED=true THRUM_TAILSCALE_HOSTNAME="$1" THRUM_SYNC_LISTEN="127.0.0.1:$port" \
    THRUM_TAILSCALE_SOCKET="$work/tailscaled.sock" THRUM_TAILSCALE_PORT=1 THRUM_SYNC_INTERVAL=1h \
    THRUM_SECURITY_REQUIRE_SIGNATURES=true
}
host() { ( use_host "$1"; shift; exec "$THRUM_BIN" "$@" ); }
for h in a b; do
  ( use_host "$h"; exec "$THRUM_BIN" daemon start 2>"$work/$h.log" ) &
  pids+=($!)
done
for h in a b; do for _ in $(seq 100); do host "$h" status >/dev/null 2>&1 && break; sleep 0.1; done; done

now() { date +%s.%N; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])):.0f}')" "$@"; }

echo "seeding $EVENTS signed events on the origin daemon (control socket, pipelined)"
host a agent register sender >/dev/null
host a agent register reader >/dev/null
python3 - "$work/a.sock" "$((EVENTS - 2))" <<'PY'
import json, socket, sys
path, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX); s.connect(path)
reader = s.makefile("rb")
sent = 0
while sent < count:
    chunk = min(500, count - sent)
    lines = [json.dumps({"jsonrpc": "2.0", "id": sent + i, "method": "message.send",
                         "params": {"agent": "sender", "to": "@reader", "text": f"bench message {sent + i}"}})
             for i in range(chunk)]
    s.sendall(("\n".join(lines) + "\n").encode())
    for _ in range(chunk):
        answer = json.loads(reader.readline())
        if "error" in answer: sys.exit(f"seeding failed: {answer['error']}")
    sent += chunk
PY

verify=$("$work/verify-rate" 50000)
verify_all=$(verify_all_cores)
insert=$("$work/insert-rate" "$work/insert-bound.db" "$EVENTS")
# While the catch-up runs, a client asks the puller for `health` again and again.
python3 - "$work/b.sock" "$work/health.txt" "$work/health.stop" <<'PY' &
import json, os, socket, sys, time
path, out, stop = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX); s.connect(path); reader = s.makefile("rb")
samples = []
while not os.path.exists(stop):
    begin = time.perf_counter()
    s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"health"}\n'); reader.readline()
    samples.append(time.perf_counter() - begin)
    time.sleep(0.005)
samples.sort()
with open(out, "w") as f:
    f.write(f"{len(samples)} {samples[len(samples) // 2] * 1000:.2f} {samples[int(len(samples) * 0.99)] * 1000:.2f}\n")
PY
health_pid=$!
start=$(now)
host b tsync peers add "127.0.0.1:$port_a" >/dev/null
host b tsync force --json >"$work/force.json"
end=$(now)
touch "$work/health.stop"; wait "$health_pid"
got=$(host b health | python3 -c "import json,sys; print(json.load(sys.stdin)['event_count'])")
[ "$got" = "$EVENTS" ] || { echo "catch-up incomplete: $got of $EVENTS events" >&2; cat "$work/force.json" >&2; exit 1; }
quarantined=$(host b quarantine list --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)['events']))")
catchup=$(rate "$EVENTS" "$start" "$end")
verify_after=$("$work/verify-rate" 50000)

echo
echo "catch-up of $EVENTS signed events, signatures required: $catchup events/s ($(python3 -c "print(f'{$end - $start:.2f}')") s, $quarantined quarantined)"
echo "libsodium Ed25519 verify, same run (before / after): $verify / $verify_after verifies/s"
echo "catch-up / libsodium verify on one core: $(python3 -c "print(f'{100 * $catchup / (($verify + $verify_after) / 2):.0f}')") %"
bound=$(python3 -c "print(f'{1 / (1 / $verify_all + 1 / $insert):.0f}')")
echo "bound: verify on all $(nproc) cores ($verify_all/s) then SQLite insert of the same events ($insert/s): $bound events/s"
echo "catch-up / bound: $(python3 -c "print(f'{100 * $catchup / $bound:.0f}')") %"
read -r health_n health_p50 health_p99 <"$work/health.txt"
echo "thrum health on the puller during the catch-up ($health_n calls): p50 $health_p50 ms, p99 $health_p99 ms"
echo "peak RSS of the puller (VmHWM): $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/${pids[2]}/status")"

echo
echo "WhoIs gate on the puller's sync port (every request and connection re-checks the cached decision)"
python3 - "$port_b" "$work/tailscaled.sock" <<'PY'
import json, socket, sys, time
port, tailscaled = int(sys.argv[1]), sys.argv[2]
request = b'{"jsonrpc":"2.0","id":1,"method":"sync.peer_info"}\n'

s = socket.create_connection(("127.0.0.1", port)); reader = s.makefile("rb")
n, start = 20000, time.monotonic()
for _ in range(n // 500):
    s.sendall(request * 500)
    for _ in range(500):
        if b'"error"' in reader.readline(): sys.exit("refused")
print(f"  requests on one connection: {n / (time.monotonic() - start):.0f}/s (one cached whois decision each)")

n, start = 1000, time.monotonic()
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", port)); c.sendall(request)
    if b'"error"' in c.makefile("rb").readline(): sys.exit("refused")
    c.close()
print(f"  new connections: {n / (time.monotonic() - start):.0f}/s (admitted by the cached decision)")

n, start = 300, time.monotonic()
for _ in range(n):
    u = socket.socket(socket.AF_UNIX); u.connect(tailscaled)
    u.sendall(b"GET /localapi/v0/whois?addr=127.0.0.1:1 HTTP/1.1\r\nHost: local-tailscaled.sock\r\nConnection: close\r\n\r\n")
    while u.recv(65536): pass
    u.close()
print(f"  uncached: the stand-in tailscaled answers {n / (time.monotonic() - start):.0f} whois/s")
PY
