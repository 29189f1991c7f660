#!/usr/bin/env bash
# netns-sync: three hosts, each in its own network namespace with an interface
# named tailscale0 (100.64.0.0/10), joined by a bridge in a fourth namespace,
# each running a daemon started by systemd-socket-activate on its tailscale0
# address (DESIGN §11). Scenarios: propagation through a relay (A and C not
# paired), direct propagation, and a partition (C's link down) with writes on
# both sides that heals, by the periodic fallback alone, into one log; the
# sender's `thrum message status` shows `sent` during the partition and
# `delivered` once it heals. Claims across the partition: a claim made while
# C is cut off is held but not confirmed; C's overlapping claim makes both
# contested on every host once it heals, both agents are told in their
# daemons' logs, and a release leaves the other held and confirmed.
#
# Authorization is on, as by default (THRUM_SECURITY_REQUIRED_TAGS is
# tag:thrum-daemon): every host runs a stand-in tailscaled
# (Tests/support/fake-tailscaled.py) with its own map, in which A, B and C are
# tagged nodes. A fourth host, the intruder X, is on the same bridge but
# untagged in every map: its pulls and its pairing are refused, while the
# tagged hosts keep syncing.
#
# Discovery is live (each daemon reads its stand-in's status on start and
# every THRUM_SYNC_INTERVAL; MagicDNS names do not resolve in the namespaces,
# so it dials the Tailscale IPs at the common port 4200). The maps decide what
# it finds, so the relay scenario stays a relay: A's map lists C as offline and
# C's map lists A as offline, so discovery pairs A–B and B–C only, and A and C
# meet only when the test pairs them by hand with `tsync peers add`.
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

hosts=(a b c)          # the tagged hosts that sync with each other
all_hosts=(a b c x)    # and the intruder
declare -A address=([a]=100.64.0.1 [b]=100.64.0.2 [c]=100.64.0.3 [x]=100.64.0.9)
port=4200
prefix=thrum-$$
bridge_ns=$prefix-br
tmp=$(mktemp -d /tmp/thrum-netns.XXXXXX)
declare -A daemon_pid=()
declare -A tailscaled_pid=()

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

stop_tailscaleds() {
    local h
    for h in "${!tailscaled_pid[@]}"; do kill -TERM "${tailscaled_pid[$h]}" 2>/dev/null; done
    for h in "${!tailscaled_pid[@]}"; do
        wait "${tailscaled_pid[$h]}" 2>/dev/null
        unset "tailscaled_pid[$h]"
    done
}

remove_namespaces() {
    local h
    for h in "${all_hosts[@]}"; do ip netns del "$(host_ns "$h")" 2>/dev/null; done
    ip netns del "$bridge_ns" 2>/dev/null
}

cleanup() {
    trap - EXIT
    stop_daemons
    stop_tailscaleds
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
    for h in "${all_hosts[@]}"; do
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

# --- The tailnet as each host's tailscaled sees it. ---

# write_map HOST ONLINE...: HOST's stand-in map. A, B and C are nodes tagged
# tag:thrum-daemon; those named in ONLINE (and HOST itself) are online, the
# others offline, so HOST's discovery dials only the ONLINE ones (WhoIs
# ignores `online`, so every tagged host is still authorized). The intruder X
# is online but untagged, owned by a person: discovery skips it and WhoIs
# authorization refuses it. Written aside and renamed, since the stand-in
# reads the map on every request.
write_map() {
    local h=$1 node online nodes=()
    shift
    for node in a b c; do
        online=false
        [[ $node == "$h" || " $* " == *" $node "* ]] && online=true
        nodes+=("{\"hostname\": \"host-$node\", \"ips\": [\"${address[$node]}\"], \"tags\": [\"tag:thrum-daemon\"], \"online\": $online}")
    done
    nodes+=("{\"hostname\": \"intruder\", \"ips\": [\"${address[x]}\"], \"login\": \"mallory@example.com\", \"online\": true}")
    local IFS=,
    printf '{"self": "%s", "tailnet": "tail1234.ts.net", "nodes": [%s]}\n' \
        "$([[ $h == x ]] && echo intruder || echo "host-$h")" "${nodes[*]}" >"$tmp/$h/tailnet.json.new" &&
        mv "$tmp/$h/tailnet.json.new" "$tmp/$h/tailnet.json"
}

# start_tailscaled HOST: HOST's stand-in LocalAPI on a unix socket (outside the
# namespaces; a unix socket path reaches across them).
start_tailscaled() {
    local h=$1
    python3 "$here/../support/fake-tailscaled.py" --socket "$tmp/$h/tailscaled.sock" --map "$tmp/$h/tailnet.json" \
        2>"$tmp/$h/tailscaled.log" &
    tailscaled_pid[$h]=$!
}

# --- Daemons and the CLI. ---

# The environment of host $1's daemon and CLI (DESIGN §8): its own stand-in
# tailscaled, the default authorization policy and port 4200 everywhere, so
# discovery dials peers at the port they listen on.
host_env() {
    local dir=$tmp/$1
    printf '%s\n' THRUM_STATE_DIR="$dir/state" THRUM_SOCKET="$dir/thrum.sock" THRUM_CONFIG="$tmp/none.env" \
        THRUM_TAILSCALE_SOCKET="$dir/tailscaled.sock" THRUM_LOG=stderr \
        THRUM_TAILSCALE_ENABLED=true THRUM_TAILSCALE_HOSTNAME="host-$1" THRUM_TAILSCALE_PORT=$port \
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

# start_plain_daemon HOST: the daemon started directly, binding HOST's
# tailscale0 address itself (THRUM_SYNC_LISTEN). For the intruder, whose own
# stand-in refuses it too, so a first sync.peer_info could not prove it is up.
start_plain_daemon() {
    local h=$1 vars=()
    mkdir -p "$tmp/$h"
    mapfile -t vars < <(host_env "$h")
    # ip netns exec and env both exec, so $! is the daemon itself.
    ip netns exec "$(host_ns "$h")" env "${vars[@]}" THRUM_SYNC_LISTEN="${address[$h]}:$port" \
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

# rpc_from HOST ADDRESS METHOD [PARAMS]: a raw sync RPC sent from inside HOST's namespace.
rpc_from() { ip netns exec "$(host_ns "$1")" python3 "$lib_dir/jsonrpc.py" "${@:2}"; }

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

# state_of HOST SENDER MESSAGE_ID: the state of the message's first recipient as HOST sees it.
state_of() {
    on "$1" message status "$3" --agent "$2" --json 2>/dev/null | json 'j["recipients"][0]["state"]'
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

# knows_at HOST PEER: HOST has PEER in its registry, at PEER's Tailscale IP.
knows_at() {
    on "$1" tsync peers list --json 2>/dev/null |
        json_true "any(p['daemon_id'] == '${id[$2]}' and p['address'] == '${address[$2]}:$port' for p in j['peers'])"
}
discovered_relay_pairs() { knows_at a b && knows_at b a && knows_at b c && knows_at c b; }

# force_reaches_every_peer HOST: `tsync force` on HOST pulled from each peer.
force_reaches_every_peer() {
    on "$1" tsync force --json 2>/dev/null >"$tmp/force.json" &&
        json_true 'len(j["peers"]) > 0 and all(p.get("error") is None for p in j["peers"])' <"$tmp/force.json"
}

dump_logs() {
    local h
    for h in "${all_hosts[@]}"; do
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
ok "four hosts (a, b, c and intruder x) with tailscale0 on 100.64.0.0/10 joined by a bridge namespace"

# Discovery's view per host: A sees B, C sees B, B sees both; the intruder's
# tailscaled shows it every tagged host online, as a real tailnet would.
mkdir -p "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/x"
write_map a b && write_map b a c && write_map c b && write_map x a b c
for h in "${all_hosts[@]}"; do start_tailscaled "$h"; done
for h in "${all_hosts[@]}"; do
    check "host $h: stand-in tailscaled serves $tmp/$h/tailscaled.sock" eventually 10 test -S "$tmp/$h/tailscaled.sock"
done
if [[ $failed -gt 0 ]]; then summary; exit 1; fi

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

# No `tsync peers add`: the stand-ins' maps lead discovery to exactly these pairs.
check "discovery pairs a–b and b–c at their Tailscale IPs (MagicDNS does not resolve here)" \
    eventually 30 discovered_relay_pairs
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

# --- The intruder: on the tailnet, but without tag:thrum-daemon. ---

start_plain_daemon x
eventually 20 answers x || fail "the intruder's daemon did not start"
pull=$(rpc_from x "${address[a]}:$port" sync.pull '{"after_seq": 0}' 2>&1)
check "the intruder's raw sync.pull to a is refused with JSON-RPC error 403 and no events" \
    eval 'json_true "j[\"error\"][\"code\"] == 403 and \"result\" not in j" <<<"$pull"'
# The DENIED line names the peer as WhoIs knows it (host name "intruder" for
# 100.64.0.9); only a remote address tailscaled does not know is named by IP.
check "a's log says why: [sync_auth] DENIED peer intruder (mallory@example.com, no tags): missing required tag" \
    grep -qF '[sync_auth] DENIED peer intruder (login: mallory@example.com, tags: []): missing required tag' \
    "$tmp/a/daemon.log"
pull=$(rpc_from b "${address[a]}:$port" sync.pull '{"after_seq": 0}' 2>&1)
check "a tagged host's raw sync.pull to a still returns a's events" \
    eval 'json_true "len(j[\"result\"][\"events\"]) > 0" <<<"$pull"'
status=0
added=$(on x tsync peers add "${address[a]}:$port" 2>&1) || status=$?
check "tsync peers add on the intruder fails with exit 1 (exit status $status)" test "$status" -eq 1
if grep -q 'not authorized' <<<"$added"; then
    ok "and says a refused sync.peer_info as not authorized"
else
    fail "and says a refused sync.peer_info as not authorized"
    echo "  it said: $added"
fi
# Its own discovery sees the three tagged hosts online, dials each, and is refused.
check "the intruder's discovery finds three tagged hosts and adds none" \
    eventually 30 grep -q 'discovery: 3 online peer(s) with tag:thrum-daemon, 3 not yet known, 0 added' "$tmp/x/daemon.log"
check "the intruder has no peers" eval '[[ $(peer_ids x) == "[]" ]]'
check "no tagged host has the intruder as a peer" \
    eval '! grep -q "$(daemon_id x)" <<<"$(peer_ids a) $(peer_ids b) $(peer_ids c)"'

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
check "during the partition a shows its message to carol as sent, not delivered (thrum message status)" \
    eval '[[ $(state_of a alice "$from_a") == sent ]]'
on c tsync force --json >"$tmp/force-cut.json" 2>/dev/null
check "tsync force on cut-off c reports every peer unreachable" \
    json_true 'len(j["peers"]) == 2 and all(p.get("error") for p in j["peers"])' <"$tmp/force-cut.json"

# --- Heal: cable back in; the periodic fallback (2 s) alone converges. ---

link_of c up
check "after healing, all three converge without tsync force (same event count, every message in its inbox everywhere)" \
    eventually 30 every_message_delivered
check "after healing, a shows its message to carol delivered, with no one acting" \
    eventually 30 eval '[[ $(state_of a alice "$from_a") == delivered ]]'

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

# --- Claims across a partition: c cut off, a and c claim overlapping paths. ---

# claim_field HOST CLAIM_ID EXPR: EXPR of the claim as HOST lists it (agent alice, who is on a).
claim_field() {
    on "$1" claim list --project acme --agent alice --json 2>/dev/null |
        json "next((c for c in j['claims'] if c['claim_id'] == '$2'), {}).get($3)"
}
claim_is() { [[ $(claim_field "$1" "$2" "'state'") == "$3" ]]; }
claim_confirmed() { [[ $(claim_field "$1" "$2" "'confirmed'") == "$3" ]]; }

link_of c down
from_a=$(on a claim add 'src/**' --project acme --agent alice --json 2>&1 | json 'j["claim_id"]')
check "a claims src/** while c is cut off: held" claim_is a "$from_a" held
check "and not confirmed: c, synced within the window, does not hold it" claim_confirmed a "$from_a" false
from_c=$(on c claim add src/sync/a.swift --project acme --agent carol --json 2>&1 | json 'j["claim_id"]')
check "c, not knowing a's claim, claims src/sync/a.swift: held there" claim_is c "$from_c" held
link_of c up
for h in "${hosts[@]}"; do
    check "after healing, host $h shows both claims contested" \
        eventually 30 eval 'claim_is '"$h"' "$from_a" contested && claim_is '"$h"' "$from_c" contested'
done
check "a's log tells alice her claim is contested by carol" \
    eventually 15 grep -q "claims: $from_a of alice@.* is contested with carol@" "$tmp/a/daemon.log"
check "c's log tells carol her claim is contested by alice" \
    eventually 15 grep -q "claims: $from_c of carol@.* is contested with alice@" "$tmp/c/daemon.log"
status=0
on b claim check src/sync/a.swift --project acme --agent bob >/dev/null 2>&1 || status=$?
check "claim check on b treats the contested path as held (exit 5, got $status)" test "$status" -eq 5
on c claim release "$from_c" --agent carol >/dev/null
for h in "${hosts[@]}"; do
    check "once carol releases, host $h shows alice's claim held" eventually 30 claim_is "$h" "$from_a" held
done
check "with c back, a's claim is confirmed" eventually 30 claim_confirmed a "$from_a" true
status=0
on b claim add 'docs/**' --project acme --agent bob --wait-confirmed=30s >/dev/null 2>&1 || status=$?
check "a claim made with all three connected: claim add --wait-confirmed returns 0 (got $status)" test "$status" -eq 0

# --- Shutdown and cleanup. ---

for h in "${all_hosts[@]}"; do kill -TERM "${daemon_pid[$h]}"; done
for h in "${all_hosts[@]}"; do
    status=0
    wait "${daemon_pid[$h]}" || status=$?
    unset "daemon_pid[$h]"
    check "host $h: daemon exits 0 on SIGTERM (exit status $status)" test "$status" -eq 0
done
[[ $failed -gt 0 ]] && dump_logs
cleanup
check "namespaces $prefix-* are removed" eval '! ip netns list | grep -q "^$prefix-"'
summary
