#!/bin/bash
# Two hosts, packaged: two booted Debian bookworm containers (systemd-nspawn)
# with the .deb installed, each with a tailscale0 in 100.64.0.0/10 plugged
# into one bridge, and a stand-in tailscaled (Tests/support/fake-tailscaled.py,
# run as tailscaled.service) on /var/run/tailscale/tailscaled.sock whose map
# names both hosts as nodes tagged tag:thrum-daemon. Checks what an operator
# would see on a real tailnet:
#
#   - apt installs the .deb; its postinst starts the sockets and the daemon
#     (the sync socket too, since tailscale0 exists);
#   - THRUM_TAILSCALE_ENABLED=true in thrum.env (and THRUM_SYNC_INTERVAL=5s,
#     THRUM_SYNC_RECENT_THRESHOLD=1s, so the periodic pass is quick), then
#     `systemctl enable --now thrum` and a restart for the edited file (as
#     the README says); systemd hands the daemon thrum-sync.socket;
#   - discovery pairs the two daemons (no `tsync peers add`);
#   - a message sent on host a is returned by `thrum wait` on host b;
#   - journalctl -u thrum -g '^\[sync_auth\] ALLOWED' and journalctl -u thrum
#     THRUM_COMPONENT=sync_auth name the peer, on both hosts;
#   - tailscale0 removed from host b and created again (a new interface, as
#     tailscaled makes one), then thrum-sync-rebind.service started as
#     tailscale0's device unit would (containers have no device units): the
#     sync port answers on the new interface, a message written meanwhile
#     reaches b, and messages flow both ways again;
#   - no [sync_auth] DENIED line, and no "Failed to set thread priority"
#     line refused by the unit's system call filter, on either host.
#
#   Tests/package/two-hosts.sh dist/thrum_<version>_<arch>.deb
#
# Prints the delivery times as "figure:" lines, and its duration.
# THRUM_PACKAGE_TEST_HOLD=SECONDS keeps the containers that long at the end
# (to look inside with nsenter -t PID -a; the PIDs are printed).
#
# The bookworm root is the one run.sh makes (lib.sh), plus python3 and the
# package's dependencies, kept once in $THRUM_PACKAGE_TEST_CACHE/bookworm-two-hosts;
# each container is an overlay on it. The bridge lives in a network namespace
# of its own, so nothing is added to the host's network. Containers, mounts
# and the namespace are removed on exit, also on failure or Ctrl-C.
#
# Needs root, debootstrap, systemd-nspawn, and the Debian mirror apt is
# configured with (only while the cached roots are made).
set -euo pipefail

name=two-hosts
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

start "$@"

hosts=(a b)
declare -A address=([a]=100.64.0.1 [b]=100.64.0.2)
declare -A peer_of=([a]=b [b]=a)
port=4200
work=$cache/two-hosts
layer=$cache/bookworm-two-hosts
bridge_ns=thrum-pkg-$$
ct() { echo "thrum-pkg-$1"; }   # container names; the host end of each veth is vb-thrum-pkg-X
on() { local h=$1; shift; ct_exec "$(ct "$h")" "$@"; }

# --- the cached root: base + python3 (for the stand-in) + the package's dependencies ---

# Package names of the .deb's Depends (alternatives: the first), so the
# install in the containers needs no network.
deb_depends() {
    dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//' | awk 'NF {print $1}'
}
layer_has() {
    local p
    for p in "$@"; do
        dpkg-query --admindir="$layer/var/lib/dpkg" -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q '^install ok installed' || return 1
    done
}
mapfile -t needed < <(echo python3; deb_depends)
if [[ ! -e $layer/.complete || $base/.complete -nt $layer/.complete ]] || ! layer_has "${needed[@]}"; then
    echo "$name: adding ${needed[*]} to a copy of the bookworm root ($layer)"
    rm -rf "$layer.tmp"
    cp -a --reflink=auto "$base" "$layer.tmp" || die "could not copy $base"
    in_root "$layer.tmp" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends ${needed[*]}" >"$cache/two-hosts-layer.log" 2>&1 ||
        die "could not install ${needed[*]} into the root; see $cache/two-hosts-layer.log"
    rm -rf "$layer" && mv "$layer.tmp" "$layer" && touch "$layer/.complete"
fi

# --- the bridge, in a network namespace of its own ---------------------------------

rm -rf "$work" && mkdir -p "$work"
ip netns add "$bridge_ns" || die "could not make the network namespace $bridge_ns"
at_exit "ip netns del '$bridge_ns'"
ip -n "$bridge_ns" link add br0 type bridge && ip -n "$bridge_ns" link set br0 up ||
    die "could not make the bridge in $bridge_ns"

# --- each host: an overlay on the cached root, the stand-in tailscaled, booted ---

# tailnet_map HOST: the stand-in's map on HOST; both hosts are online tagged nodes.
tailnet_map() {
    cat <<EOF
{"self": "host-$1", "tailnet": "tail1234.ts.net", "nodes": [
  {"hostname": "host-a", "ips": ["${address[a]}"], "tags": ["tag:thrum-daemon"], "online": true},
  {"hostname": "host-b", "ips": ["${address[b]}"], "tags": ["tag:thrum-daemon"], "online": true}]}
EOF
}

prepare_host() {
    local h=$1 root=$work/$1/root
    overlay_root "$layer" "$work/$h"
    echo "host-$h" >"$root/etc/hostname"
    : >"$root/etc/machine-id"
    install -D -m 0755 "$repo_dir/Tests/support/fake-tailscaled.py" "$root/usr/local/lib/thrum-test/fake-tailscaled.py"
    mkdir -p "$root/etc/thrum-test"
    tailnet_map "$h" >"$root/etc/thrum-test/tailnet.json"
    # Like tailscaled's own unit: the LocalAPI socket in /run/tailscale, open
    # to every local user (the daemon runs as user thrum).
    cat >"$root/etc/systemd/system/tailscaled.service" <<'EOF'
[Unit]
Description=Stand-in for tailscaled's LocalAPI (Tests/support/fake-tailscaled.py)

[Service]
ExecStart=/usr/bin/python3 /usr/local/lib/thrum-test/fake-tailscaled.py --socket /var/run/tailscale/tailscaled.sock --map /etc/thrum-test/tailnet.json
RuntimeDirectory=tailscale
RuntimeDirectoryMode=0755
UMask=0000

[Install]
WantedBy=multi-user.target
EOF
    ln -sf /etc/systemd/system/tailscaled.service "$root/etc/systemd/system/multi-user.target.wants/tailscaled.service"
    cp "$deb" "$root/root/thrum.deb"
}

# plug HOST: gives HOST's network namespace a tailscale0 with its address.
# At boot the interface is systemd-nspawn's host0 (its other end is on the
# bridge), renamed; after a removal, a new veth pair made from the bridge side.
plug() {
    local h=$1
    if ! on "$h" ip link show tailscale0 >/dev/null 2>&1; then
        if on "$h" ip link show host0 >/dev/null 2>&1; then
            on "$h" ip link set host0 name tailscale0
        else
            ip -n "$bridge_ns" link add "vb-$h-again" type veth peer name tailscale0 netns "${ct_leader[$(ct "$h")]}" &&
                ip -n "$bridge_ns" link set "vb-$h-again" master br0 up
        fi
    fi
    on "$h" ip addr add "${address[$h]}/10" dev tailscale0 && on "$h" ip link set tailscale0 up
}

echo "$name: booting two containers"
for h in "${hosts[@]}"; do prepare_host "$h"; done
boot_failed=false
for h in "${hosts[@]}"; do
    if ct_netns=$bridge_ns boot_ct "$(ct "$h")" "$work/$h/root" "$work/$h/boot.log" --network-bridge=br0; then
        pass "host $h boots ($ct_state)"
    else
        fail "host $h boots" "$ct_state"; boot_failed=true
    fi
done
$boot_failed && { summary; exit 1; }

for h in "${hosts[@]}"; do
    check "host $h: tailscale0 ${address[$h]}/10 on the bridge" plug "$h"
    check "host $h: stand-in tailscaled answers on /var/run/tailscale/tailscaled.sock" \
        eventually 15 on "$h" test -S /var/run/tailscale/tailscaled.sock
done
# reaches HOST IP: a TCP connection from HOST to IP's port 9 is refused (the
# host answered), not lost.
reaches() {
    local out
    out=$(on "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$2/9" 2>&1 || true)
    grep -q 'Connection refused' <<<"$out" || { echo "$out"; return 1; }
}
check "host b reaches host a over tailscale0" eventually 10 reaches b "${address[a]}"

# --- install, configure, enable -------------------------------------------------

for h in "${hosts[@]}"; do
    if on "$h" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/thrum.deb' \
            >"$work/$h/install.log" 2>&1; then
        pass "host $h: apt installs the .deb"
    else
        fail "host $h: apt installs the .deb" "$(tail -n 5 "$work/$h/install.log")"
    fi
done
[[ $failed == 0 ]] || { summary; exit 1; }
if ! has_daemon_command "$(ct a)"; then
    for what in "discovery pairs the hosts" "a message reaches thrum wait on the peer" "journal names the peer" \
        "sync resumes after tailscale0 is re-created"; do skip "$what"; done
    summary; exit $?
fi

# holds_sync_socket HOST: systemd passed the daemon thrum-sync.socket, which
# listens on tailscale0.
holds_sync_socket() {
    on "$1" sh -c 'pid=$(systemctl show -P MainPID thrum) &&
        tr "\\0" "\\n" < /proc/$pid/environ | grep -x "LISTEN_FDNAMES=.*sync.*" &&
        ss -Hltnp "sport = :'$port'" | grep "%tailscale0:'$port' .*systemd"'
}
for h in "${hosts[@]}"; do
    check "host $h: postinst started thrum.socket, thrum-sync.socket (tailscale0 exists) and thrum.service" \
        every_unit "$(ct "$h")" is-active thrum.socket thrum-sync.socket thrum.service
    on "$h" sh -c "printf '%s\n' THRUM_TAILSCALE_ENABLED=true THRUM_SYNC_INTERVAL=5s THRUM_SYNC_RECENT_THRESHOLD=1s >> /etc/thrum/thrum.env"
    check "host $h: systemctl enable --now thrum, and a restart for the edited thrum.env" \
        on "$h" sh -c 'systemctl enable --now thrum && systemctl restart thrum &&
            [ "$(systemctl show -P ActiveState thrum)" = active ] && [ "$(systemctl show -P SubState thrum)" = running ]'
    check "host $h: the daemon holds the sync socket from thrum-sync.socket" holds_sync_socket "$h"
done

declare -A id=()
for h in "${hosts[@]}"; do id[$h]=$(on "$h" thrum health 2>/dev/null | json 'j["daemon_id"]' || true); done

# knows HOST PEER: HOST has PEER in its registry, at PEER's Tailscale IP.
knows() {
    on "$1" thrum tsync peers list --json |
        json_true "any(p['daemon_id'] == '${id[$2]}' and p['address'] == '${address[$2]}:$port' for p in j['peers'])"
}
paired_by_discovery=true
for h in "${hosts[@]}"; do
    if out=$(eventually 45 knows "$h" "${peer_of[$h]}"); then
        pass "host $h: discovery found host ${peer_of[$h]} (${id[${peer_of[$h]}]} at ${address[${peer_of[$h]}]}:$port)"
    else
        fail "host $h: discovery found host ${peer_of[$h]}" "$(tail -n 3 <<<"$out")"
        paired_by_discovery=false
    fi
done
if ! $paired_by_discovery; then   # go on with the rest, paired by hand
    for h in "${hosts[@]}"; do on "$h" thrum tsync peers add "${address[${peer_of[$h]}]}:$port" || true; done
fi

# --- a message from a to b, returned by thrum wait ------------------------------------

on a thrum agent register alice --role sender >/dev/null
on b thrum agent register bob --role receiver >/dev/null
knows_agents() {
    on "$1" thrum agent list --json | json_true "{'alice', 'bob'} <= set(a['name'] for a in j['agents'])"
}
both_list_agents() { knows_agents a && knows_agents b; }
check "each host lists both agents" eventually 30 both_list_agents

# wait_for HOST AGENT MESSAGE-ID LOG: `thrum wait` on HOST returns that message
# (waiting at most 60 s). Messages are read oldest first, so any earlier one
# is read past.
wait_for() {
    local h=$1 agent=$2 message=$3 log=$4 deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        on "$h" thrum wait --agent "$agent" --timeout "$((deadline - SECONDS + 1))s" >>"$log" 2>&1 || break
        grep -q "^$message " "$log" && return 0
    done
    cat "$log"
    return 1
}
# message_flows FROM FROM-AGENT TO TO-AGENT TEXT: sent on FROM, returned by
# `thrum wait` already waiting on TO; prints the delivery time.
message_flows() {
    local from=$1 sender=$2 to=$3 receiver=$4 text=$5 log message start wait_pid
    log=$work/wait-$to-$SECONDS-$RANDOM.log
    on "$to" thrum wait --agent "$receiver" --timeout 60s >"$log" 2>&1 &
    wait_pid=$!
    sleep 1
    start=$(date +%s%N)
    message=$(on "$from" thrum send --agent "$sender" --to "@$receiver" "$text") || { kill "$wait_pid"; return 1; }
    wait "$wait_pid" || true
    # The waiter may have returned an older unread message first.
    if ! grep -q "^$message " "$log"; then wait_for "$to" "$receiver" "$message" "$log" || return 1; fi
    grep -qF "$text" "$log" || { cat "$log"; return 1; }
    echo "figure: thrum send on host $from to thrum wait returning on host $to:" \
        "$(( ($(date +%s%N) - start) / 1000000 )) ms (CLI start-up included)" >>"$work/figures"
}

check "a message sent on host a is returned by thrum wait on host b" \
    message_flows a alice b bob "hello from host a"

# --- the journal names the peer ----------------------------------------------------

journal() { local h=$1; shift; on "$h" journalctl -u thrum -q --no-pager -o cat "$@"; }
names_peer() { # HOST PEER JOURNALCTL-ARGS...: a line names the peer as WhoIs does
    local out
    out=$(journal "$1" "${@:3}") || return 1
    grep -F "peer host-$2 (login: tagged-devices, tags: [tag:thrum-daemon])" <<<"$out" | tail -n 1 | grep . ||
        { tail -n 5 <<<"$out"; return 1; }
}
journal_lacks() { # HOST PATTERN: no line of thrum's journal matches
    local out
    out=$(journal "$1" -g "$2" 2>/dev/null || true)
    [[ -z $out ]] || { tail -n 3 <<<"$out"; return 1; }
}
for h in "${hosts[@]}"; do
    p=${peer_of[$h]}
    check "host $h: journalctl -u thrum -g '^\\[sync_auth\\] ALLOWED' shows host-$p" names_peer "$h" "$p" -g '^\[sync_auth\] ALLOWED'
    check "host $h: journalctl -u thrum THRUM_COMPONENT=sync_auth shows host-$p" names_peer "$h" "$p" THRUM_COMPONENT=sync_auth
done

# --- tailscale0 removed from host b and created again ------------------------------

pid_before=$(on b systemctl show -P MainPID thrum)
check "host b: tailscale0 removed" on b ip link del tailscale0
check "host a cannot reach host b's sync port meanwhile" \
    not on a timeout 5 bash -c "exec 3<>/dev/tcp/${address[b]}/$port"
during=$(on a thrum send --agent alice --to @bob "written on host a while host b had no tailscale0" || true)
check "host b: tailscale0 created again (a new interface)" plug b
# What the device unit sys-subsystem-net-devices-tailscale0.device would start
# (thrum-sync-rebind.service is WantedBy= it); containers have no device units.
check "host b: thrum-sync-rebind.service runs" on b systemctl start thrum-sync-rebind.service
restarted() {
    on b sh -c "[ \"\$(systemctl show -P ActiveState thrum)\" = active ] && [ \"\$(systemctl show -P MainPID thrum)\" != $pid_before ]" &&
        holds_sync_socket b
}
check "host b: the daemon was restarted and holds the sync socket again" eventually 20 restarted
check "host a reaches host b's sync port on the new tailscale0" \
    eventually 20 on a timeout 5 bash -c "exec 3<>/dev/tcp/${address[b]}/$port"
if [[ -n $during ]]; then
    check "the message written meanwhile is returned by thrum wait on host b (periodic pull, THRUM_SYNC_INTERVAL=5s)" \
        wait_for b bob "$during" "$work/wait-during.log"
else
    fail "the message written meanwhile is returned by thrum wait on host b" "thrum send on host a failed"
fi
check "after the re-add, a message sent on host b is returned by thrum wait on host a" \
    message_flows b bob a alice "hello back from host b, after its tailscale0 came back"
check "after the re-add, a message sent on host a is returned by thrum wait on host b" \
    message_flows a alice b bob "and again from host a"

for h in "${hosts[@]}"; do
    check "host $h: no peer was denied, all along" journal_lacks "$h" '^\[sync_auth\] DENIED'
    # Dispatch logs this on each refused renice of a worker thread; errno 1
    # is the unit's system call filter (thrum.service allows setpriority).
    check "host $h: no 'Failed to set thread priority' lines refused by the system call filter" \
        journal_lacks "$h" 'Failed to set thread priority.*errno=1$'
done

if [[ $failed -gt 0 ]]; then
    for h in "${hosts[@]}"; do
        echo "--- host $h: journalctl -u thrum -u thrum-sync.socket -u thrum-sync-rebind (last 25 lines)"
        on "$h" journalctl -q --no-pager -u thrum -u thrum-sync.socket -u thrum-sync-rebind -n 25 2>&1 | sed 's/^/  /' || true
    done
fi
cat "$work/figures" 2>/dev/null || true
echo "$name: took $(elapsed "$started")"
if [[ -n ${THRUM_PACKAGE_TEST_HOLD:-} ]]; then
    echo "$name: holding the containers for ${THRUM_PACKAGE_TEST_HOLD}s (nsenter -t PID -a: host a ${ct_leader[$(ct a)]}, host b ${ct_leader[$(ct b)]})"
    sleep "$THRUM_PACKAGE_TEST_HOLD" || true
fi
summary
