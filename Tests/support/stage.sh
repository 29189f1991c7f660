#!/usr/bin/env bash
# make test's stages, timed: `stage.sh NAME COMMAND...` runs COMMAND and records how long it
# took in $STAGE_LOG; `stage.sh --report` prints every stage recorded so far. A failing stage
# prints the report at once (make stops there) and passes its exit code on.
set -u
log=${STAGE_LOG:?set STAGE_LOG to a file}
report() {
  echo
  echo "stage times:"
  total=0
  while read -r name seconds status; do
    printf '  %-16s %6ss %s\n' "$name" "$seconds" "$status"
    total=$((total + seconds))
  done <"$log"
  printf '  %-16s %6ss\n' total "$total"
}
if [ "${1:-}" = --report ]; then report; exit 0; fi
name=$1; shift
started=$(date +%s)
"$@"; code=$?
seconds=$(( $(date +%s) - started ))
if [ "$code" = 0 ]; then echo "$name $seconds ok" >>"$log"; else echo "$name $seconds FAILED" >>"$log"; report; fi
exit "$code"
