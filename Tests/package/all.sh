#!/bin/bash
# The package tests, one after the other: run.sh (one booted host: service,
# sockets, permissions, journal, upgrade, purge) and two-hosts.sh (two
# booted hosts syncing over a bridged tailscale0). Both run even when the
# first fails; the last line counts the scripts.
#
#   Tests/package/all.sh dist/thrum_<version>_<arch>.deb
#   Tests/package/all.sh --probe    prints why this machine cannot run them
#                                   and exits 1, or prints nothing and exits 0
#
# `make test` probes first (package-test-if-possible in packaging/package.mk)
# and prints "package tests: skipped: WHY" instead of failing when the
# machine cannot run them: not root, no namespaces (an unprivileged
# container), the Debian mirror not reachable, or THRUM_PACKAGE_TEST=0.
# debootstrap and systemd-nspawn need not be installed yet: as root with the
# mirror reachable, `make deb` installs them (package-tools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

probe() {
    [[ ${THRUM_PACKAGE_TEST:-1} != 0 ]] || { echo "THRUM_PACKAGE_TEST=0"; return 1; }
    [[ $(id -u) == 0 ]] || { echo "not root (debootstrap and systemd-nspawn need it; run make package-test as root)"; return 1; }
    unshare --mount --net true 2>/dev/null ||
        { echo "cannot make mount and network namespaces here (an unprivileged container?)"; return 1; }
    if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null; then
        command -v apt-get >/dev/null || { echo "debootstrap or systemd-nspawn missing, and no apt-get to install them"; return 1; }
    fi
    # Through apt's own transport, so its proxy settings apply.
    # shellcheck disable=SC2034 # lib.sh's messages use $name
    local name=package-tests uri tmp
    # shellcheck source=lib.sh
    source "$here/lib.sh"
    uri="$(mirror)/dists/bookworm/Release"
    tmp=$(mktemp)
    if ! timeout 20 /usr/lib/apt/apt-helper -o Acquire::Retries=0 download-file "$uri" "$tmp" >/dev/null 2>&1; then
        rm -f "$tmp"
        echo "the Debian mirror is not reachable ($uri, 20 s)"
        return 1
    fi
    rm -f "$tmp"
}

if [[ ${1:-} == --probe ]]; then
    probe
    exit
fi

deb=${1:?usage: $0 PATH/thrum_VERSION_ARCH.deb | --probe}
started=$SECONDS
passed=0 failed=0 failures=()
for script in run.sh two-hosts.sh; do
    echo "=== Tests/package/$script"
    script_started=$SECONDS
    if "$here/$script" "$deb"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$script"); fi
    echo "=== Tests/package/$script: $((SECONDS - script_started)) s"
done
echo
[[ ${#failures[@]} -gt 0 ]] && printf 'failed: Tests/package/%s\n' "${failures[@]}"
echo "package tests: $((SECONDS - started)) s"
echo "package tests: $passed passed, $failed failed"
[[ $failed == 0 ]]
