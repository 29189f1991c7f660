#!/usr/bin/env bash
# socket-activation: the daemon under systemd-socket-activate, as thrum.socket
# and thrum-sync.socket start it (DESIGN §2). It must report READY=1 and
# STATUS= to the notify socket, serve the control socket and the sync port on
# the file descriptors it inherits (named "control" and "sync"), never bind
# sockets of its own when given them, and on SIGTERM say STOPPING=1 and exit 0.
#
# A small listener stands in for systemd's notify socket; a second, plainly
# started daemon pairs with the activated one over the inherited sync port.
# Every sync connection is authorized by tailscaled's WhoIs, so both daemons
# ask a stand-in tailscaled (Tests/support/fake-tailscaled.py). Only loopback
# and a temporary folder are used.
#
# Needs: systemd-socket-activate, python3, and THRUM_BIN naming the thrum binary.
set -uo pipefail

name=socket-activation
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"

command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate not found; install systemd"
command -v python3 >/dev/null || skip "python3 not found"
if [[ -z ${THRUM_BIN:-} || ! -x ${THRUM_BIN} ]]; then
    echo "$name: THRUM_BIN must name the thrum binary (got '${THRUM_BIN:-}')" >&2
    exit 2
fi
THRUM_BIN=$(realpath "$THRUM_BIN")

tmp=$(mktemp -d /tmp/thrum-socket-activation.XXXXXX)
pids=()
cleanup() {
    trap - EXIT
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do
        # Give each a few seconds to stop cleanly, then make sure.
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A TCP port nothing listens on right now (the kernel picks it).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The socket inode behind one of a process's file descriptors.
fd_inode() { readlink "/proc/$1/fd/$2" 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p'; }

tailscaled_sock=$tmp/tailscaled.sock
notify_sock=$tmp/notify.sock
notify_log=$tmp/notify.log
control_sock=$tmp/control.sock
own_sock=$tmp/own.sock # what the daemon would bind if it ignored the inherited fds
sync_port=$(free_port)
decoy_port=$(free_port) # THRUM_SYNC_LISTEN, likewise
: >"$notify_log"

# On loopback every sync connection comes from 127.0.0.1, which this map makes
# a node tagged tag:thrum-daemon (the default required tag), so both daemons
# authorize each other. Offline, so neither daemon's discovery dials it.
cat >"$tmp/tailnet.json" <<'MAP'
{"self": "socket-activation", "nodes": [
  {"hostname": "loopback", "ips": ["127.0.0.1"], "tags": ["tag:thrum-daemon"], "online": false}]}
MAP
python3 "$here/../support/fake-tailscaled.py" --socket "$tailscaled_sock" --map "$tmp/tailnet.json" &
pids+=($!)
eventually 10 test -S "$tailscaled_sock" || { fail "stand-in tailscaled did not start"; summary; exit 1; }

python3 "$lib_dir/notify_listener.py" "$notify_sock" "$notify_log" &
pids+=($!)
eventually 10 test -S "$notify_sock" || { fail "notify listener did not start"; summary; exit 1; }

# systemd-socket-activate passes only -E variables and LISTEN_* to the daemon.
# Without --accept it opens both sockets, waits for the first connection, then
# execs the daemon in its own process (same PID) with LISTEN_FDS=2 and
# LISTEN_FDNAMES=control:sync.
systemd-socket-activate \
    -l "$control_sock" --fdname=control \
    -l "127.0.0.1:$sync_port" --fdname=sync \
    -E NOTIFY_SOCKET="$notify_sock" \
    -E THRUM_STATE_DIR="$tmp/state" \
    -E THRUM_SOCKET="$own_sock" \
    -E THRUM_SYNC_LISTEN="127.0.0.1:$decoy_port" \
    -E THRUM_CONFIG="$tmp/none.env" \
    -E THRUM_TAILSCALE_SOCKET="$tailscaled_sock" \
    -E THRUM_LOG=stderr \
    -E THRUM_TAILSCALE_ENABLED=true \
    -E THRUM_TAILSCALE_HOSTNAME=activated \
    "$THRUM_BIN" daemon start 2>"$tmp/activated.log" &
daemon_pid=$!
pids+=("$daemon_pid")

# Before the first connection: the inodes of the two sockets it will hand over.
holds_both_sockets() { [[ -n $(fd_inode "$daemon_pid" 3) && -n $(fd_inode "$daemon_pid" 4) ]]; }
eventually 10 holds_both_sockets ||
    { fail "systemd-socket-activate did not open both sockets"; cat "$tmp/activated.log"; summary; exit 1; }
control_ino=$(fd_inode "$daemon_pid" 3)
sync_ino=$(fd_inode "$daemon_pid" 4)

# Every CLI call is bounded, so a daemon that never accepts fails the test
# instead of hanging it.
activated() { THRUM_SOCKET=$control_sock THRUM_CONFIG=$tmp/none.env timeout 30 "$THRUM_BIN" "$@"; }
answers() { "$@" health >/dev/null 2>&1; }

# The first connection to the control socket starts the daemon.
check "CLI answers through the inherited control socket" eventually 20 answers activated
health=$(activated health 2>/dev/null)
daemon_id=$(json 'j["daemon_id"]' <<<"$health")

check "READY=1 reaches the notify socket" eventually 20 grep -qx 'READY=1' "$notify_log"
check "a STATUS= line reaches the notify socket" grep -q '^STATUS=.' "$notify_log"
check "health names the inherited sync socket" \
    grep -q 'inherited socket "sync"' <<<"$(json 'j["tailscale_sync"]["listening"]' <<<"$health")"

# The daemon's listening sockets are exactly the two it inherited (same
# inodes), so it bound neither THRUM_SOCKET nor THRUM_SYNC_LISTEN.
expected=$(printf '%s\n' "unix $control_sock $control_ino" "tcp 127.0.0.1:$sync_port $sync_ino" | sort)
actual=$(python3 "$lib_dir/listening_sockets.py" "$daemon_pid")
if [[ $actual == "$expected" ]]; then
    ok "daemon listens only on the two inherited sockets"
else
    fail "daemon listens only on the two inherited sockets"
    printf '  expected:\n%s\n  actual:\n%s\n' "$expected" "$actual" | sed 's/^/    /'
fi
check "no control socket appears at THRUM_SOCKET" test ! -e "$own_sock"
check "process is thrum, in systemd-socket-activate's PID" grep -qx thrum "/proc/$daemon_pid/comm"

answer=$(jsonrpc "127.0.0.1:$sync_port" sync.peer_info 2>&1)
check "sync.peer_info answers on the inherited sync port" \
    test "$(json 'j["result"]["daemon_id"]' <<<"$answer" 2>/dev/null)" = "$daemon_id"
answer=$(jsonrpc "unix:$control_sock" sync.peer_info 2>&1)
check "the control socket does not serve sync.* (-32601)" \
    test "$(json 'j["error"]["code"]' <<<"$answer" 2>/dev/null)" = "-32601"

# A second daemon, started plainly, pairs with the activated one and pulls
# from it through the inherited sync port.
plain_port=$(free_port)
plain_env=(THRUM_STATE_DIR="$tmp/plain" THRUM_SOCKET="$tmp/plain.sock" THRUM_CONFIG="$tmp/none.env"
    THRUM_TAILSCALE_SOCKET="$tailscaled_sock" THRUM_LOG=stderr THRUM_TAILSCALE_ENABLED=true
    THRUM_TAILSCALE_HOSTNAME=plain THRUM_SYNC_LISTEN="127.0.0.1:$plain_port")
plain() { env "${plain_env[@]}" timeout 30 "$THRUM_BIN" "$@"; }
# A simple command, so $! is the daemon itself (env execs it).
env "${plain_env[@]}" "$THRUM_BIN" daemon start 2>"$tmp/plain.log" &
pids+=($!)
eventually 20 answers plain || fail "plain daemon did not start"
added=$(plain tsync peers add "127.0.0.1:$sync_port" --json 2>&1)
check "a plain daemon pairs over the inherited sync port" \
    test "$(json 'j["daemon_id"]' <<<"$added" 2>/dev/null)" = "$daemon_id"
check "the activated daemon authorized the plain one by WhoIs ([sync_auth] ALLOWED peer loopback)" \
    grep -q '\[sync_auth\] ALLOWED peer loopback (login: tagged-devices, tags: \[tag:thrum-daemon\])' "$tmp/activated.log"
activated agent register reviewer --role "socket-activated" >/dev/null
plain tsync force --json >"$tmp/force.json" 2>&1
check "the plain daemon pulls the activated daemon's agent (tsync force)" \
    json_true 'any(a["name"] == "reviewer" for a in j["agents"])' <<<"$(plain agent list --json)"

# SIGTERM: STOPPING=1, then a clean exit.
kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
check "daemon exits 0 on SIGTERM (exit status $status)" test "$status" -eq 0
check "STOPPING=1 reaches the notify socket" grep -qx 'STOPPING=1' "$notify_log"

if [[ $failed -gt 0 ]]; then
    echo "--- notify socket:"; sed 's/^/  /' "$notify_log"
    echo "--- activated daemon log:"; sed 's/^/  /' "$tmp/activated.log"
fi
summary
