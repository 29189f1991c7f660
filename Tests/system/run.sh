#!/usr/bin/env bash
# System tests: real processes, real sockets, network namespaces. Run by
# `make test` after the Swift tests. Each script prints "NAME: N passed, M failed"
# (or a SKIP line when the machine cannot run it, e.g. not root).
set -uo pipefail
cd "$(dirname "$0")/../.."
export THRUM_BIN=${THRUM_BIN:-$(swift build --show-bin-path)/thrum}
[ -x "$THRUM_BIN" ] || { echo "system tests: $THRUM_BIN is not built (run: swift build)"; exit 1; }

scripts=(
  Tests/system/journald-fields.sh
  Tests/system/socket-activation.sh
  Tests/system/netns-sync.sh
  Tests/system/claim-hook.sh
  Tests/system/demo.sh
)
passed=0; failed=0; failures=()
for script in "${scripts[@]}"; do
  [ -f "$script" ] || continue
  echo "=== $script"
  if bash "$script"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("$script")
  fi
done
echo
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[@]}"
echo "system tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
