#!/usr/bin/env bash
# claim-hook: the pre-commit guard in a real git repository. One daemon; alice
# claims src/**; bob's commit touching src/ is refused by the hook that
# `thrum claim hook install` wrote, and goes through once alice releases, or once
# her claim expires. A hook that is not thrum's is never replaced.
#
# Needs: git, python3, and THRUM_BIN naming the thrum binary.
set -uo pipefail

name=claim-hook
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"

command -v git >/dev/null || skip "git not found; install git"
if [[ -z ${THRUM_BIN:-} || ! -x ${THRUM_BIN} ]]; then
    echo "$name: THRUM_BIN must name the thrum binary (got '${THRUM_BIN:-}')" >&2
    exit 2
fi
THRUM_BIN=$(realpath "$THRUM_BIN")
tmp=$(mktemp -d /tmp/thrum-claim-hook.XXXXXX)
daemon=
cleanup() {
    [[ -n $daemon ]] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

export THRUM_STATE_DIR=$tmp/state THRUM_SOCKET=$tmp/thrum.sock THRUM_CONFIG=$tmp/none.env THRUM_LOG=stderr
export GIT_CONFIG_GLOBAL=$tmp/gitconfig GIT_CONFIG_NOSYSTEM=1
"$THRUM_BIN" daemon start 2>"$tmp/daemon.log" &
daemon=$!
eventually 20 "$THRUM_BIN" health >/dev/null || { fail "the daemon answers"; summary; exit 1; }
"$THRUM_BIN" agent register alice >/dev/null && "$THRUM_BIN" agent register bob >/dev/null

repo=$tmp/app
git init -q "$repo" && cd "$repo" || exit 1
git config user.email bob@example.com && git config user.name bob
git remote add origin git@github.com:Acme/App.git
mkdir -p src docs && echo one >src/a.swift && echo one >docs/readme.md
git add . && git commit -qm initial

check "the project is derived from the remote" \
    eval '[[ $("$THRUM_BIN" claim add task:setup --agent bob --json | json "j[\"project\"]") == github.com/Acme/App ]]'
installed=$("$THRUM_BIN" claim hook install 2>&1)
check "claim hook install writes .git/hooks/pre-commit ($installed)" test -x .git/hooks/pre-commit
claim=$("$THRUM_BIN" claim add 'src/**' --agent alice --note "refactoring sync" --json | json 'j["claim_id"]')

export THRUM_AGENT=bob
echo two >src/a.swift && git add src/a.swift
status=0
git commit -qm "touches alice's claim" 2>"$tmp/refused" || status=$?
check "bob's commit touching src/a.swift is refused by the hook (exit $status)" test "$status" -ne 0
check "and the refusal names alice and her claim" grep -q "src/a.swift: alice@d_.* ($claim, held" "$tmp/refused"
check "nothing was committed" eval '[[ $(git log --oneline | wc -l) -eq 1 ]]'
echo two >docs/readme.md && git add docs/readme.md && git reset -q src/a.swift
check "a commit touching only docs/ goes through" git commit -qm "docs only"

"$THRUM_BIN" claim release "$claim" --agent alice >/dev/null
git add src/a.swift
check "once alice releases, bob's commit goes through" git commit -qm "after the release"

short=$("$THRUM_BIN" claim add src/a.swift --ttl 2s --agent alice --json | json 'j["claim_id"]')
echo three >src/a.swift && git add src/a.swift
check "while alice's 2 s claim is live the commit is refused" eval '! git commit -qm "during the claim" 2>/dev/null'
commit_quietly() { git commit -qm "$1" 2>/dev/null; }
check "once it expires the commit goes through" eventually 15 commit_quietly "after the expiry"
check "the expired claim is listed as expired" \
    eval '[[ $("$THRUM_BIN" claim list --ended --of alice --agent bob --json | json "[c[\"state\"] for c in j[\"claims\"] if c[\"claim_id\"] == \"$short\"][0]") == expired ]]'

check "installing again replaces its own hook" eval '"$THRUM_BIN" claim hook install | grep -q updated'
printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit
status=0
"$THRUM_BIN" claim hook install >"$tmp/foreign" 2>&1 || status=$?
check "a hook that is not thrum's is not replaced (exit $status)" test "$status" -eq 1
check "and is left as it was" grep -qx 'exit 0' .git/hooks/pre-commit
summary
