#!/bin/bash
# Package test (DESIGN §11): install the .deb into a Debian bookworm root made
# by debootstrap, boot it with systemd-nspawn on a private network with a
# stand-in tailscale0, and check what an operator would: the service, its
# sockets, permissions, configuration, journal filtering, upgrade and purge.
#
#   Tests/package/run.sh dist/thrum_<version>_<arch>.deb
#
# Environment:
#   THRUM_PACKAGE_TEST_CACHE  where the bookworm root and apt's downloads are
#                             kept between runs (.build-package-test in the
#                             source tree, gitignored)
#   THRUM_OLD_DEB             an older build to upgrade from; default: the
#                             given .deb repacked with a lower version
#   THRUM_PACKAGE_TEST_MIRROR the Debian mirror for debootstrap; default: the
#                             one apt is configured with
#
# Needs root, debootstrap, systemd-nspawn (systemd-container) and a Debian
# mirror (the one apt is configured with). Checks that need the real daemon
# are skipped, and say so, while /usr/bin/thrum has no `daemon` command.
# Helpers shared with two-hosts.sh are in lib.sh.
set -euo pipefail

name=package-test
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

start "$@"

# --- a fresh root per run: an overlay on the cached one -------------------

work=$cache/run
root=$work/root
overlay_root "$base" "$work"

# Runs a command in the root without booting it (host network, for apt).
in_image() { in_root "$root" "$@"; }
# Runs a command inside the booted container, with a clean environment.
in_ct() { ct_exec thrum-package-test "$@"; }

# The older build to upgrade from: the same files under a lower version,
# unless a real older .deb is given.
old_deb=${THRUM_OLD_DEB:-}
if [[ -z $old_deb ]]; then
    version=$(dpkg-deb -f "$deb" Version)
    rm -rf "$work/old" && dpkg-deb -R "$deb" "$work/old"
    sed -i "s/^Version: .*/Version: ${version%-*}~older-1/" "$work/old/DEBIAN/control"
    dpkg-deb -b "$work/old" "$work/thrum-old.deb" >/dev/null || die "could not repack $deb"
    old_deb=$work/thrum-old.deb
fi
cp "$deb" "$root/root/thrum-new.deb"
cp "$old_deb" "$root/root/thrum-old.deb"

# --- install the older build with apt, dependencies from Debian -----------

echo "package-test: installing $(basename "$old_deb") with apt (mirror $(mirror))"
if in_image sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /root/thrum-old.deb' \
        >"$work/install.log" 2>&1; then
    pass "apt installs the package and its dependencies from Debian"
else
    fail "apt installs the package and its dependencies from Debian" "$(tail -n 5 "$work/install.log")"
    summary
    exit 1
fi
check "dependencies are Debian's libraries" \
    in_image dpkg-query -W -f='${Status}\n' libsodium23 libsqlite3-0 libsystemd0
check "system user and group thrum exist" in_image sh -c 'getent passwd thrum && getent group thrum'
check "thrum.env is a conffile, root:thrum 0640" in_image sh -c \
    'dpkg-query -W -f="\${Conffiles}\n" thrum | grep -q " /etc/thrum/thrum.env " &&
     [ "$(stat -c %U:%G:%a /etc/thrum/thrum.env)" = root:thrum:640 ]'
check "binary, units, man pages and completion are installed" in_image sh -c \
    'test -x /usr/bin/thrum && for f in /lib/systemd/system/thrum.service /lib/systemd/system/thrum.socket \
        /lib/systemd/system/thrum-sync.socket /lib/systemd/system/thrum-sync-rebind.service /usr/share/man/man1/thrum.1.gz /usr/share/man/man5/thrum.env.5.gz \
        /usr/share/man/man8/thrum-daemon.8.gz /usr/share/bash-completion/completions/thrum; do test -s $f || { echo missing $f; exit 1; }; done'

# Users for the permission checks: alice is in group thrum, bob is not.
in_image sh -c 'useradd -m -G thrum alice && useradd -m bob' >/dev/null 2>&1 || die "could not add the users alice and bob"

# --- boot ------------------------------------------------------------------

echo "package-test: booting the container"
if boot_ct thrum-package-test "$root" "$work/boot.log" --private-network; then
    pass "container boots ($ct_state)"
else
    fail "container boots" "$ct_state"
    [[ -n ${ct_leader[thrum-package-test]:-} ]] || { summary; exit 1; }
fi

has_daemon=false
in_ct thrum --help 2>/dev/null | grep -qw daemon && has_daemon=true
$has_daemon || echo "package-test: /usr/bin/thrum has no 'daemon' command yet: daemon checks are skipped"

# A stand-in tailscale0 in 100.64.0.0/10: one end of a veth pair, whose other
# end sits in a namespace "tailnet" that plays a remote peer.
in_ct sh -c 'ip netns add tailnet &&
    ip link add tailscale0 type veth peer name peer0 &&
    ip link set peer0 netns tailnet &&
    ip addr add 100.64.0.1/10 dev tailscale0 && ip link set tailscale0 up &&
    ip -n tailnet addr add 100.64.0.2/10 dev peer0 && ip -n tailnet link set peer0 up &&
    ip -n tailnet link set lo up' >"$work/net.log" 2>&1 ||
    fail "stand-in tailscale0" "$(cat "$work/net.log")"

check "the package enabled the service and both sockets" every_unit thrum-package-test is-enabled \
    thrum.service thrum.socket thrum-sync.socket thrum-sync-rebind.service
check "systemd accepts the units" in_ct systemd-analyze verify --man=no \
    /lib/systemd/system/thrum.service /lib/systemd/system/thrum.socket /lib/systemd/system/thrum-sync.socket \
    /lib/systemd/system/thrum-sync-rebind.service

# --- sockets (systemd alone: no daemon needed) ----------------------------

check "control socket is listening, thrum:thrum 0660" in_ct sh -c \
    'systemctl is-active thrum.socket && [ "$(stat -c %U:%G:%a /run/thrum/thrum.sock)" = thrum:thrum:660 ]'
check "a member of group thrum may open the control socket" \
    in_ct runuser -u alice -- test -r /run/thrum/thrum.sock -a -w /run/thrum/thrum.sock
check "a user outside group thrum may not" \
    in_ct sh -c '! runuser -u bob -- test -w /run/thrum/thrum.sock'
# No udev in a container, so no device unit appears for tailscale0: start what
# its appearance would (thrum-sync-rebind.service). The daemon, if the boot
# started it, is restarted with the new socket.
check "sync socket starts once tailscale0 appears" in_ct sh -c \
    'systemctl start thrum-sync-rebind.service &&
     for i in $(seq 1 20); do systemctl -q is-active thrum-sync.socket && exit 0; sleep 0.5; done;
     systemctl status --no-pager thrum-sync.socket; exit 1'
check "sync socket listens on tailscale0 only" in_ct sh -c \
    'ss -Hltn "sport = :4200" | grep -q "%tailscale0:4200" && ! ss -Hltn "sport = :4200" | grep -qv "%tailscale0"'
check "sync port is reachable over tailscale0" in_ct ip netns exec tailnet \
    timeout 5 bash -c 'exec 3<>/dev/tcp/100.64.0.1/4200'
check "sync port is not reachable from loopback" in_ct sh -c \
    "! timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/4200'"

# --- the daemon -----------------------------------------------------------

journal_has() { # UNIT-FILTER... -- PATTERN: the journal of thrum.service has a matching line
    local out; out=$(in_ct journalctl -u thrum -q --no-pager -o cat "$@")
    [[ -n $out ]] || { echo "no matching journal lines"; return 1; }
    echo "$out" | head -n 3
}
env_set() { # NAME VALUE: set one variable in thrum.env, replacing earlier lines
    in_ct sh -c "sed -i '/^$1=/d' /etc/thrum/thrum.env && echo '$1=$2' >> /etc/thrum/thrum.env"
}
env_unset() { in_ct sed -i "/^$1=/d" /etc/thrum/thrum.env; }

if $has_daemon; then
    check "systemctl enable --now thrum reaches READY" in_ct sh -c \
        'systemctl enable --now thrum && [ "$(systemctl show -P ActiveState thrum)" = active ] &&
         [ "$(systemctl show -P SubState thrum)" = running ]'
    # Figures for the closing notes, not checks: systemd's own timestamps of
    # leaving "inactive" and entering "active" (READY=1) for that start.
    in_ct sh -c 'a=$(systemctl show -P InactiveExitTimestampMonotonic thrum); b=$(systemctl show -P ActiveEnterTimestampMonotonic thrum);
                 echo "figure: systemctl start to active (READY=1): $(( (b - a) / 1000 )) ms"' || true
    in_ct sh -c 'echo "figure: $(systemctl show -P StatusText thrum | sed "s/^/StatusText: /")"' || true
    check "the daemon was given both sockets" in_ct sh -c \
        'pid=$(systemctl show -P MainPID thrum) && tr "\\0" "\\n" < /proc/$pid/environ | grep -x "LISTEN_FDNAMES=.*" |
         grep -e control | grep -e sync'
    check "the daemon reports a STATUS= line" in_ct sh -c \
        'status=$(systemctl show -P StatusText thrum); echo "StatusText=$status"; [ -n "$status" ]'
    check "the daemon created its state" in_ct sh -c \
        'test -s /var/lib/thrum/thrum.db && [ "$(stat -c %U:%a /var/lib/thrum/identity.key)" = thrum:600 ] &&
         [ "$(stat -c %a /var/lib/thrum)" = 700 ]'
    check "a member of group thrum can use the CLI" in_ct runuser -u alice -- thrum status
    check "a user outside group thrum is refused" in_ct sh -c \
        'runuser -u bob -- thrum status; rc=$?; echo "exit $rc"; [ $rc = 69 ] || [ $rc = 1 ]'
    check "journalctl THRUM_COMPONENT=identity filters" journal_has THRUM_COMPONENT=identity
    # A connection from the tailnet that tailscaled (absent here) cannot vouch for.
    in_ct ip netns exec tailnet timeout 5 bash -c \
        'exec 3<>/dev/tcp/100.64.0.1/4200; echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sync.peer_info\"}" >&3; timeout 2 cat <&3' \
        >/dev/null 2>&1 || true
    env_set THRUM_TAILSCALE_ENABLED true
    env_set THRUM_SYNC_INTERVAL 7m
    check "a changed thrum.env takes effect after restart" in_ct sh -c \
        'systemctl restart thrum && journalctl -u thrum -q --no-pager -o cat -g "^periodic_sync: starting with interval=7m0s"'
    in_ct ip netns exec tailnet timeout 5 bash -c \
        'exec 3<>/dev/tcp/100.64.0.1/4200; echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sync.peer_info\"}" >&3; timeout 2 cat <&3' \
        >/dev/null 2>&1 || true
    check "journalctl -g '^\\[sync_auth\\]' filters" journal_has -g '^\[sync_auth\]'
    env_set THRUM_TAILSCALE_PORT 99999
    check "a bad value fails the start with exit 78 and no restart loop" in_ct sh -c \
        '! systemctl restart thrum; sleep 3; [ "$(systemctl show -P ExecMainStatus thrum)" = 78 ] &&
         [ "$(systemctl show -P ActiveState thrum)" = failed ]'
    check "the journal names the bad variable" journal_has -g 'THRUM_TAILSCALE_PORT.*99999'
    env_unset THRUM_TAILSCALE_PORT
    in_ct systemctl reset-failed thrum >/dev/null 2>&1 || true
    check "the service starts again once the value is fixed" in_ct systemctl start thrum
else
    for name in "systemctl enable --now thrum reaches READY" "the daemon reports a STATUS= line" \
        "the daemon created its state" "a member of group thrum can use the CLI" \
        "a user outside group thrum is refused" "the daemon was given both sockets" "journalctl THRUM_COMPONENT=identity filters" \
        "a changed thrum.env takes effect after restart" "journalctl -g '^\\[sync_auth\\]' filters" \
        "a bad value fails the start with exit 78 and no restart loop" "the journal names the bad variable" \
        "the service starts again once the value is fixed"; do
        skip "$name"
    done
fi

# --- upgrade: state and an edited thrum.env survive ------------------------

env_set THRUM_SYNC_RECENT_THRESHOLD 3m
# Without the daemon there is no state yet: leave a marker like the daemon would.
in_ct sh -c 'install -d -o thrum -g thrum -m 0700 /var/lib/thrum && echo kept > /var/lib/thrum/marker &&
    chown thrum:thrum /var/lib/thrum/marker'
before=$(in_ct sh -c 'cd /var/lib/thrum && sha256sum identity.key marker 2>/dev/null' || true)
if $has_daemon; then
    check "upgrade over the older build" in_ct sh -c \
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold /root/thrum-new.deb'
    check "the daemon runs after the upgrade" in_ct systemctl is-active thrum
else
    # The postinst restarts the service, which the placeholder binary cannot
    # satisfy: upgrade with the service masked for the duration.
    check "upgrade over the older build" in_ct sh -c \
        'systemctl mask --runtime thrum.service >/dev/null &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold /root/thrum-new.deb;
         rc=$?; systemctl unmask --runtime thrum.service >/dev/null; exit $rc'
    skip "the daemon runs after the upgrade"
fi
check "both sockets listen after the upgrade" every_unit thrum-package-test is-active thrum.socket thrum-sync.socket
check "the upgrade installed the new version" in_ct sh -c \
    "[ \"\$(dpkg-query -W -f='\${Version}' thrum)\" = '$(dpkg-deb -f "$deb" Version)' ]"
check "the upgrade kept the edited thrum.env" in_ct grep -qx 'THRUM_SYNC_RECENT_THRESHOLD=3m' /etc/thrum/thrum.env
after=$(in_ct sh -c 'cd /var/lib/thrum && sha256sum identity.key marker 2>/dev/null' || true)
if [[ -n $before && $before == "$after" ]]; then pass "the upgrade kept the state"; else fail "the upgrade kept the state" "before: $before / after: $after"; fi

# --- remove keeps state, purge removes it ---------------------------------

check "remove keeps the state" in_ct sh -c \
    'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q thrum >/dev/null && test -s /var/lib/thrum/marker &&
     ! systemctl is-active -q thrum.socket'
check "purge removes the state and the configuration" in_ct sh -c \
    'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q thrum >/dev/null && test ! -e /var/lib/thrum &&
     test ! -e /etc/thrum/thrum.env && ! dpkg-statoverride --list /etc/thrum/thrum.env'

echo "package-test: took $(elapsed "$started")"
summary
