# Shared by the package tests (run.sh, two-hosts.sh): PASS/FAIL bookkeeping,
# the cached Debian bookworm root, booted systemd-nspawn containers and the
# clean-up of everything they made. The sourcing script sets $name first.
# shellcheck shell=bash

pkg_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$pkg_dir/../.." && pwd)

die() { echo "$name: $*" >&2; exit 1; }

# --- bookkeeping ------------------------------------------------------------

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "PASS  $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  $1"; [[ -n ${2:-} ]] && printf '      %s\n' "$2"; return 0; }
skip() { skipped=$((skipped + 1)); echo "SKIP  $1 (${2:-needs the real daemon})"; }
# check NAME COMMAND...: passes when COMMAND succeeds; shows its output if not.
check() {
    local what=$1 out; shift
    if out=$("$@" 2>&1); then pass "$what"; else fail "$what" "$(tail -n 5 <<<"$out")"; fi
}
# eventually SECONDS COMMAND...: runs COMMAND until it succeeds, for at most
# SECONDS; its output is that of the last attempt.
eventually() {
    local deadline=$((SECONDS + $1)) out; shift
    until out=$("$@" 2>&1); do
        if ((SECONDS >= deadline)); then echo "$out"; echo "(still failing after the time allowed)"; return 1; fi
        sleep 0.5
    done
    echo "$out"
}
summary() {
    echo "$name: $passed passed, $failed failed, $skipped skipped"
    [[ $failed == 0 ]]
}

# json EXPR / json_true EXPR: a Python expression over the JSON on stdin.
json() { python3 "$repo_dir/Tests/system/lib/json_query.py" "$1"; }
json_true() { python3 "$repo_dir/Tests/system/lib/json_query.py" --test "$1"; }

# --- prerequisites and clean-up -----------------------------------------------

require_root_and_tools() {
    [[ $(id -u) == 0 ]] || die "must run as root (debootstrap and systemd-nspawn need it)"
    local tool
    for tool in debootstrap systemd-nspawn dpkg-deb nsenter ip python3; do
        command -v "$tool" >/dev/null ||
            die "$tool is missing: apt-get install debootstrap systemd-container util-linux iproute2 python3"
    done
}

# at_exit COMMAND: run COMMAND (a string) on exit, the last registered first,
# whatever the exit status: containers stop before their roots are unmounted.
exit_actions=()
# start "$@": takes the .deb argument into $deb, checks root and tools, starts the
# clock ($started) and makes sure the cached root exists. Both test scripts begin so.
start() {
    deb=${1:-}
    [[ -n $deb && -f $deb ]] || die "usage: $0 PATH/thrum_VERSION_ARCH.deb (build it with 'make deb')"
    deb=$(realpath "$deb")
    require_root_and_tools
    started=$SECONDS
    ensure_base
}

at_exit() { exit_actions+=("$1"); }
run_exit_actions() {
    local i
    trap - EXIT
    for ((i = ${#exit_actions[@]} - 1; i >= 0; i--)); do eval "${exit_actions[i]}" || true; done
    exit_actions=()
}
trap run_exit_actions EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the cached Debian bookworm root ------------------------------------------

# Kept in the build tree (gitignored as .build-*/) unless told otherwise.
cache=${THRUM_PACKAGE_TEST_CACHE:-$repo_dir/.build-package-test}
base=$cache/bookworm-base

# The Debian mirror apt already uses (THRUM_PACKAGE_TEST_MIRROR overrides it).
mirror() {
    local uri
    [[ -n ${THRUM_PACKAGE_TEST_MIRROR:-} ]] && { echo "$THRUM_PACKAGE_TEST_MIRROR"; return; }
    uri=$(grep -hs -A3 '^Types:.*deb' /etc/apt/sources.list.d/*.sources |
          awk '/^URIs:/ {print $2}' | grep -v -- '-security' | head -n1 || true)
    [[ -z $uri ]] && uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
          awk '$3 ~ /^bookworm$/ {print $2}' | head -n1 || true)
    echo "${uri:-http://deb.debian.org/debian}"
}

# ensure_base: debootstrap the root once; later runs copy or overlay it.
ensure_base() {
    mkdir -p "$cache/apt-archives"
    [[ -e $base/.complete ]] && return 0
    echo "$name: making a Debian bookworm root in $base (once; a few minutes)"
    rm -rf "$base.tmp"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,iproute2,procps \
        bookworm "$base.tmp" "$(mirror)" >"$cache/debootstrap.log" 2>&1 ||
        die "debootstrap failed; see $cache/debootstrap.log"
    # Boot quietly and let nothing wait for a network that is not there.
    ln -sf /dev/null "$base.tmp/etc/systemd/system/systemd-networkd-wait-online.service"
    echo thrum-test >"$base.tmp/etc/hostname"
    # Each container gets its own machine ID (systemd makes one at boot).
    : >"$base.tmp/etc/machine-id"
    rm -rf "$base" && mv "$base.tmp" "$base" && touch "$base/.complete"
}

# in_root ROOT COMMAND...: runs a command in a root without booting it (host
# network, for apt), with apt's downloads kept in the cache.
in_root() {
    local root=$1; shift
    systemd-nspawn -q --register=no --keep-unit --resolv-conf=copy-host \
        --bind="$cache/apt-archives:/var/cache/apt/archives" -D "$root" "$@"
}

# overlay_root LOWER DIR: mounts an overlay of LOWER (read-only) at DIR/root,
# its changes in DIR/upper; unmounted on exit. Falls back to a copy when
# overlayfs is not available.
overlay_root() {
    local lower=$1 dir=$2
    # A run killed outright may have left its overlay mounted.
    if mountpoint -q "$dir/root" 2>/dev/null; then umount "$dir/root" || die "$dir/root is still mounted"; fi
    rm -rf --one-file-system "$dir" && mkdir -p "$dir/upper" "$dir/work" "$dir/root" || die "could not make $dir"
    if mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/root" 2>/dev/null; then
        at_exit "umount '$dir/root'"
    else
        cp -a --reflink=auto "$lower/." "$dir/root/" || die "could not copy $lower"
    fi
}

# --- booted containers -----------------------------------------------------------

declare -A ct_nspawn=() ct_leader=()

# boot_ct NAME ROOT LOG [NSPAWN-OPTION...]: boots ROOT as container NAME in
# the background and waits until systemd there has finished starting up;
# sets ct_state to the state it reached (running or degraded when it
# succeeds). With ct_netns set, systemd-nspawn runs in that network namespace
# (where --network-bridge= finds its bridge). The container is stopped on
# exit. Not in a subshell: it records the container for the clean-up.
boot_ct() {
    local ct=$1 root=$2 log=$3 pid leader="" netns=(); shift 3
    [[ -n ${ct_netns:-} ]] && netns=(nsenter --net="/run/netns/$ct_netns")
    "${netns[@]}" systemd-nspawn -q --register=no --keep-unit --boot --console=passive \
        -D "$root" -M "$ct" "$@" >"$log" 2>&1 &
    pid=$!
    ct_nspawn[$ct]=$pid
    at_exit "stop_ct '$ct'"
    for _ in $(seq 1 60); do
        leader=$(pgrep -P "$pid" -x systemd | head -n1 || true)
        [[ -n $leader ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if [[ -z $leader ]]; then ct_state="did not boot; see $log"; return 1; fi
    ct_leader[$ct]=$leader
    ct_state=$(timeout 90 nsenter -t "$leader" -a systemctl is-system-running --wait 2>&1 || true)
    [[ $ct_state == running || $ct_state == degraded ]]
}

# stop_ct NAME: a clean shutdown (SIGTERM makes systemd-nspawn power the
# container off), killed after 30 s.
stop_ct() {
    local pid=${ct_nspawn[$1]:-}
    [[ -n $pid ]] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset "ct_nspawn[$1]" "ct_leader[$1]"
}

# ct_exec NAME COMMAND...: runs a command inside a booted container, with a
# clean environment.
ct_exec() {
    local ct=$1; shift
    nsenter -t "${ct_leader[$ct]}" -a -- /usr/bin/env -i \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 SYSTEMD_PAGER= "$@"
}

# not COMMAND...: succeeds when COMMAND fails (for check and eventually).
not() { ! "$@"; }

# every_unit NAME is-active|is-enabled UNIT...: each unit is (systemctl's own
# exit status with several units only says that one of them is).
every_unit() {
    local ct=$1 verb=$2; shift 2
    ct_exec "$ct" sh -c 'verb=$1; shift; for u; do echo "$u: $(systemctl "$verb" "$u")";
        systemctl -q "$verb" "$u" || exit 1; done' sh "$verb" "$@"
}

# has_daemon_command NAME: the installed /usr/bin/thrum has `thrum daemon`.
has_daemon_command() { ct_exec "$1" thrum --help 2>/dev/null | grep -qw daemon; }

# elapsed SECONDS-AT-START: "1m 23s".
elapsed() { local s=$((SECONDS - $1)); echo "$((s / 60))m $((s % 60))s"; }
