#!/usr/bin/env bash
# make fuzz: builds each fuzz target with libFuzzer and runs it for FUZZ_SECONDS
# from its seed corpus (Tests/fuzz/corpus/TARGET). New inputs go to
# .build-fuzz/corpus/TARGET; a crash leaves crash-* files in .build-fuzz/ and
# fails the run (replay one with a plain build: cd Tests/fuzz && swift build,
# then Tests/fuzz/.build/debug/fuzz-TARGET FILE). The targets are a package of
# their own (Tests/fuzz/Package.swift), built into the root's .build-fuzz.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-request-line pulled-page event-validation mcp-message}
FLAGS=(-c release --package-path Tests/fuzz --build-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
       -Xswiftc -enable-testing)
for t in $TARGETS; do "$SWIFT" build "${FLAGS[@]}" --product "fuzz-$t" >/dev/null; done
bin=$("$SWIFT" build "${FLAGS[@]}" --show-bin-path)
# The targets run FUZZ_JOBS at a time (default: one per core), each for FUZZ_SECONDS on its own
# core, so the stage takes about FUZZ_SECONDS per round rather than per target.
jobs=${FUZZ_JOBS:-$(nproc)}
fuzz_one() {
  local t=$1 log=".build-fuzz/fuzz-$1.log"
  mkdir -p ".build-fuzz/corpus/$t"
  if (cd .build-fuzz && "$bin/fuzz-$t" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 "corpus/$t" "../Tests/fuzz/corpus/$t") >"$log" 2>&1; then echo ok >"$log.status"; else echo FAILED >"$log.status"; fi
}
running=0
for t in $TARGETS; do
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
failed=0
for t in $TARGETS; do
  log=".build-fuzz/fuzz-$t.log"
  status=$(cat "$log.status" 2>/dev/null || echo FAILED)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "fuzz-$t: $status, ${execs:-?} executions in ${FUZZ_SECONDS}s (${rate:-?}/s); log $log"
  if [ "$status" != ok ]; then failed=1; tail -30 "$log"; fi
done
exit $failed
