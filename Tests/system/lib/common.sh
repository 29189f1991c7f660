# Shared by the system test scripts: ok/FAIL bookkeeping, bounded polling and
# the summary line Tests/system/run.sh reads. The sourcing script sets $name.
# shellcheck shell=bash

lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0
failed=0

ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# check DESCRIPTION COMMAND...: one ok/FAIL line for whether COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

# eventually SECONDS COMMAND...: runs COMMAND until it succeeds, for at most
# SECONDS. Waits for state to settle; never asserts how fast it settled.
eventually() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS >= deadline)) && return 1
        sleep 0.2
    done
}

# skip REASON: the machine cannot run this script; not a failure.
skip() {
    echo "$name: SKIP ($*)"
    exit 0
}

# summary: the last line, and the exit status.
summary() {
    echo "$name: $passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}

# json EXPR: evaluates a Python expression over the JSON on stdin (bound to j)
# and prints the value (strings bare, everything else as JSON).
json() { python3 "$lib_dir/json_query.py" "$1"; }
# json_true EXPR: succeeds when the expression over the JSON on stdin is true.
json_true() { python3 "$lib_dir/json_query.py" --test "$1"; }

# jsonrpc ADDRESS METHOD [PARAMS]: one JSON-RPC request, prints the answer line.
jsonrpc() { python3 "$lib_dir/jsonrpc.py" "$@"; }
