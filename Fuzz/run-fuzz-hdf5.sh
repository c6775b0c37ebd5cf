#!/usr/bin/env bash
# Runs fuzz-hdf5 until TOTAL executions (default 1 000 000) have been made, restarting after each
# crash (libhdf5 1.10.8 crashes on some malformed files, see README.md) and keeping the artifacts.
# usage: Fuzz/run-fuzz-hdf5.sh [TOTAL] [ARTIFACT_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
total=${1:-1000000}
artifacts=${2:-/tmp/fuzz-hdf5-artifacts}
mkdir -p "$artifacts"
export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=2048:suppressions=$PWD/Fuzz/asan-hdf5.supp
export LSAN_OPTIONS=suppressions=$PWD/Fuzz/lsan-hdf5.supp
export SWIFT_BACKTRACE=enable=no
done_runs=0 sessions=0 crashes=0
while [ "$done_runs" -lt "$total" ]; do
  sessions=$((sessions + 1))
  log="$artifacts/session-$sessions.log"
  .build-fuzz/debug/fuzz-hdf5 -runs=$((total - done_runs)) -rss_limit_mb=4096 -timeout=30 \
    -artifact_prefix="$artifacts/" Fuzz/corpus-hdf5 > "$log" 2>&1
  status=$?
  runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
  done_runs=$((done_runs + ${runs:-0}))
  if [ "$status" -ne 0 ]; then
    crashes=$((crashes + 1))
    echo "session $sessions: exit $status after ${runs:-0} runs: $(grep -m1 -E 'ERROR|Fatal' "$log")"
    grep -m3 -E '#[0-9]+ 0x' "$log" | sed 's/^/    /'
  fi
done
echo "fuzz-hdf5: $done_runs executions in $sessions sessions, $crashes stopped by a crash"
