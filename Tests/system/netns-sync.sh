#!/usr/bin/env bash
# netns-sync: three hosts, each in its own network namespace with an interface
# named tailscale0 (100.64.0.0/10), joined by a bridge in a fourth namespace,
# each running a daemon started by systemd-socket-activate on its tailscale0
# address (DESIGN §11). Scenarios: propagation through a relay (A and C not
# paired), direct propagation, and a partition (C's link down) with writes on
# both sides that heals, by the periodic fallback alone, into one log.
#
# Only addresses inside the namespaces made here are used; the namespaces,
# daemons and temporary files are removed on every exit, also on failure or
# Ctrl-C.
#
# Needs: root, ip (iproute2) with netns, systemd-socket-activate, python3, and
# THRUM_BIN naming the thrum binary.
set -uo pipefail

name=netns-sync
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"

[[ $(id -u) -eq 0 ]] || skip "needs root to make network namespaces"
command -v ip >/dev/null || skip "ip not found; install iproute2"
ip netns list >/dev/null 2>&1 || skip "ip netns does not work here"
command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate not found; install systemd"
command -v python3 >/dev/null || skip "python3 not found"
if [[ -z ${THRUM_BIN:-} || ! -x ${THRUM_BIN} ]]; then
    echo "$name: THRUM_BIN must name the thrum binary (got '${THRUM_BIN:-}')" >&2
    exit 2
fi
THRUM_BIN=$(realpath "$THRUM_BIN")

hosts=(a b c)
declare -A address=([a]=100.64.0.1 [b]=100.64.0.2 [c]=100.64.0.3)
port=4200
prefix=thrum-$$
bridge_ns=$prefix-br
tmp=$(mktemp -d /tmp/thrum-netns.XXXXXX)
declare -A daemon_pid=()

host_ns() { echo "$prefix-$1"; }

stop_daemons() {
    local h
    for h in "${!daemon_pid[@]}"; do kill -TERM "${daemon_pid[$h]}" 2>/dev/null; done
    for h in "${!daemon_pid[@]}"; do
        local p=${daemon_pid[$h]}
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
        unset "daemon_pid[$h]"
    done
}

remove_namespaces() {
    local h
    for h in "${hosts[@]}"; do ip netns del "$(host_ns "$h")" 2>/dev/null; done
    ip netns del "$bridge_ns" 2>/dev/null
}

cleanup() {
    trap - EXIT
    stop_daemons
    remove_namespaces
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The network: tailscale0 in each host namespace, bridged in $bridge_ns. ---

make_network() {
    ip netns add "$bridge_ns" &&
        ip -n "$bridge_ns" link add br0 type bridge &&
        ip -n "$bridge_ns" link set br0 up || return 1
    local h ns
    for h in "${hosts[@]}"; do
        ns=$(host_ns "$h")
        ip netns add "$ns" &&
            ip -n "$bridge_ns" link add "veth-$h" type veth peer name tailscale0 netns "$ns" &&
            ip -n "$bridge_ns" link set "veth-$h" master br0 up &&
            ip -n "$ns" link set lo up &&
            ip -n "$ns" addr add "${address[$h]}/10" dev tailscale0 &&
            ip -n "$ns" link set tailscale0 up || return 1
    done
}

# link_of HOST up|down: plugs a host's cable into the bridge, or pulls it.
link_of() { ip -n "$bridge_ns" link set "veth-$1" "$2"; }

# --- Daemons and the CLI. ---

# The environment of host $1's daemon and CLI (DESIGN §8). No tailscaled: the
# LocalAPI socket points nowhere, so discovery finds nothing and pairing is by
# `tsync peers add` only.
host_env() {
    local dir=$tmp/$1
    printf '%s\n' THRUM_STATE_DIR="$dir/state" THRUM_SOCKET="$dir/thrum.sock" THRUM_CONFIG="$tmp/none.env" \
        THRUM_TAILSCALE_SOCKET="$tmp/no-tailscaled.sock" THRUM_LOG=stderr \
        THRUM_TAILSCALE_ENABLED=true THRUM_TAILSCALE_HOSTNAME="host-$1" \
        THRUM_SYNC_INTERVAL=2s THRUM_SYNC_RECENT_THRESHOLD=1s
}

# start_daemon HOST: systemd-socket-activate holds HOST's tailscale0 address
# and execs the daemon (same PID) on the first connection, handing it the
# socket as fd 3 named "sync". The daemon binds its own control socket.
start_daemon() {
    local h=$1 ns vars=()
    ns=$(host_ns "$h")
    mkdir -p "$tmp/$h"
    mapfile -t vars < <(host_env "$h")
    local setenv=()
    for v in "${vars[@]}"; do setenv+=(-E "$v"); done
    ip netns exec "$ns" systemd-socket-activate -l "${address[$h]}:$port" --fdname=sync "${setenv[@]}" \
        "$THRUM_BIN" daemon start 2>"$tmp/$h/daemon.log" &
    daemon_pid[$h]=$!
}

# on HOST thrum-args...: the CLI on HOST, bounded so a stuck daemon fails the
# test instead of hanging it.
on() {
    local h=$1 vars=()
    shift
    mapfile -t vars < <(host_env "$h")
    env "${vars[@]}" ip netns exec "$(host_ns "$h")" timeout 60 "$THRUM_BIN" "$@"
}

# rpc_from HOST ADDRESS METHOD: a raw sync RPC sent from inside HOST's namespace.
rpc_from() { ip netns exec "$(host_ns "$1")" python3 "$lib_dir/jsonrpc.py" "$2" "$3"; }

answers() { on "$1" health >/dev/null 2>&1; }
daemon_id() { on "$1" health 2>/dev/null | json 'j["daemon_id"]'; }
event_count() { on "$1" health 2>/dev/null | json 'j["event_count"]'; }

# pair X Y: each adds the other by its tailscale0 address; succeeds when each
# learned the other's daemon ID.
pair() {
    local one two
    one=$(on "$1" tsync peers add "${address[$2]}:$port" --json 2>&1 | json 'j["daemon_id"]')
    two=$(on "$2" tsync peers add "${address[$1]}:$port" --json 2>&1 | json 'j["daemon_id"]')
    [[ $one == "${id[$2]}" && $two == "${id[$1]}" ]]
}

# send HOST FROM TO TEXT: prints the new message's ID.
send() { on "$1" send --agent "$2" --to "@$3" "$4"; }

# has_message HOST AGENT MESSAGE_ID: the message is in AGENT's inbox on HOST.
has_message() {
    on "$1" inbox --agent "$2" --json 2>/dev/null |
        json_true "any(m['message_id'] == '$3' for m in j['messages'])"
}

has_agents() {
    on "$1" agent list --json 2>/dev/null |
        json_true "set(a['name'] for a in j['agents']) >= {'alice', 'bob', 'carol'}"
}

# everywhere PREDICATE ARGS...: PREDICATE HOST ARGS... holds on every host.
everywhere() {
    local h
    for h in "${hosts[@]}"; do "$1" "$h" "${@:2}" || return 1; done
}

same_event_count() {
    local a b c
    a=$(event_count a) && b=$(event_count b) && c=$(event_count c) || return 1
    [[ $a == "$b" && $b == "$c" && $a -gt 0 ]]
}

# every_message_delivered: each sent message is in its recipient's inbox on
# every host, and all three logs hold the same number of events.
every_message_delivered() {
    local entry
    for entry in "${sent[@]}"; do
        everywhere has_message "${entry%% *}" "${entry#* }" || return 1
    done
    same_event_count
}
sent=() # "RECIPIENT MESSAGE_ID"
remember() { sent+=("$1 $2"); }

peer_ids() { on "$1" tsync peers list --json 2>/dev/null | json '[p["daemon_id"] for p in j["peers"]]'; }

# force_reaches_every_peer HOST: `tsync force` on HOST pulled from each peer.
force_reaches_every_peer() {
    on "$1" tsync force --json 2>/dev/null >"$tmp/force.json" &&
        json_true 'len(j["peers"]) > 0 and all(p.get("error") is None for p in j["peers"])' <"$tmp/force.json"
}

dump_logs() {
    local h
    for h in "${hosts[@]}"; do
        echo "--- host $h daemon log (last 30 lines):"
        tail -n 30 "$tmp/$h/daemon.log" 2>/dev/null | sed 's/^/  /'
    done
}

# --- Setup. ---

if ! make_network; then
    fail "create namespaces $prefix-{br,a,b,c} with tailscale0 on a bridge"
    summary
    exit 1
fi
ok "three hosts with tailscale0 on 100.64.0.0/10 joined by a bridge namespace"

declare -A id=()
for h in "${hosts[@]}"; do start_daemon "$h"; done
for h in "${hosts[@]}"; do
    # The first connection to the activated socket starts the daemon; it
    # answers that very connection on the inherited fd.
    answer=$(eventually 20 rpc_from "$h" "${address[$h]}:$port" sync.peer_info 2>/dev/null)
    eventually 20 answers "$h"
    id[$h]=$(daemon_id "$h")
    check "host $h: daemon answers sync.peer_info on tailscale0 ${address[$h]}:$port" \
        test "$(json 'j["result"]["daemon_id"]' <<<"$answer" 2>/dev/null)" = "${id[$h]}"
    listening=$(on "$h" health 2>/dev/null | json 'j["tailscale_sync"]["listening"]')
    check "host $h: sync port is the socket inherited from systemd-socket-activate" \
        grep -q 'inherited socket "sync"' <<<"$listening"
done
if [[ $failed -gt 0 ]]; then dump_logs; summary; exit 1; fi

# --- Propagation through a relay: A–B and B–C paired, A and C strangers. ---

check "pair a–b and b–c by tailscale0 address" eval 'pair a b && pair b c'
on a agent register alice --role planner >/dev/null
on b agent register bob --role relay >/dev/null
on c agent register carol --role tester >/dev/null
check "agents registered on a, b and c are listed on every host" eventually 30 everywhere has_agents
check "a and c are not paired with each other" \
    eval '! grep -q "${id[c]}" <<<"$(peer_ids a)" && ! grep -q "${id[a]}" <<<"$(peer_ids c)"'

relayed=$(send a alice carol "relay: from a to carol on c, through b")
remember carol "$relayed"
check "a message from a reaches carol on c through b" eventually 30 has_message c carol "$relayed"

# --- Direct propagation: A–C paired too. ---

check "pair a–c" pair a c
direct=$(send c carol alice "direct: from c to alice on a")
remember alice "$direct"
check "a message from c reaches alice on a" eventually 30 has_message a alice "$direct"

# --- Partition: C's cable pulled; both sides keep writing. ---

link_of c down
from_a=$(send a alice carol "partition: written on a while c is cut off")
from_b=$(send b bob alice "partition: written on b while c is cut off")
from_c=$(send c carol alice "partition: written on c while cut off")
remember carol "$from_a"
remember alice "$from_b"
remember alice "$from_c"
check "during the partition a's write reaches b" eventually 30 has_message b carol "$from_a"
check "during the partition b's write reaches a" eventually 30 has_message a alice "$from_b"
check "during the partition c has seen neither a's nor b's write" \
    eval '! has_message c carol "$from_a" && ! has_message c alice "$from_b"'
check "during the partition neither a nor b has seen c's write" \
    eval '! has_message a alice "$from_c" && ! has_message b alice "$from_c"'
on c tsync force --json >"$tmp/force-cut.json" 2>/dev/null
check "tsync force on cut-off c reports every peer unreachable" \
    json_true 'len(j["peers"]) == 2 and all(p.get("error") for p in j["peers"])' <"$tmp/force-cut.json"

# --- Heal: cable back in; the periodic fallback (2 s) alone converges. ---

link_of c up
check "after healing, all three converge without tsync force (same event count, every message in its inbox everywhere)" \
    eventually 30 every_message_delivered

# --- tsync force: cut C off again, write on A, heal, pull at once. ---

link_of c down
forced=$(send a alice carol "force: written on a, pulled by c with tsync force")
remember carol "$forced"
eventually 30 has_message b carol "$forced"
link_of c up
# The first attempts may still meet the link coming back up.
check "tsync force on c, once healed, pulls from every peer without error" eventually 30 force_reaches_every_peer c
check "when tsync force returns, c has a's write" has_message c carol "$forced"
check "all three converge again" eventually 30 every_message_delivered

# --- Shutdown and cleanup. ---

for h in "${hosts[@]}"; do kill -TERM "${daemon_pid[$h]}"; done
for h in "${hosts[@]}"; do
    status=0
    wait "${daemon_pid[$h]}" || status=$?
    unset "daemon_pid[$h]"
    check "host $h: daemon exits 0 on SIGTERM (exit status $status)" test "$status" -eq 0
done
[[ $failed -gt 0 ]] && dump_logs
cleanup
check "namespaces $prefix-* are removed" eval '! ip netns list | grep -q "^$prefix-"'
summary
