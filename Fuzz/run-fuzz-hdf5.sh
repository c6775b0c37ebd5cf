#!/usr/bin/env bash
# Runs fuzz-hdf5 until TOTAL executions (default 1 000 000) have been made, restarting after each
# crash (libhdf5 1.10.8 crashes on some malformed files, see README.md) and keeping the artifacts.
# usage: Fuzz/run-fuzz-hdf5.sh [TOTAL] [ARTIFACT_DIR]   (FUZZER=path, default the release build)
# -detect_leaks=0: libhdf5 keeps caches across files, so libFuzzer suspected a leak after ~5% of
# inputs and ran a full LSan heap scan each time (3x slower). LSan still checks at exit, and the
# harness checks after every input that ImageIO closed all HDF5 ids.
set -uo pipefail
cd "$(dirname "$0")/.."
fuzzer=${FUZZER:-.build-fuzz/release/fuzz-hdf5}
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
  "$fuzzer" -runs=$((total - done_runs)) -rss_limit_mb=4096 -timeout=30 -detect_leaks=0 \
    -artifact_prefix="$artifacts/" Fuzz/corpus-hdf5 > "$log" 2>&1
  status=$?
  runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
  done_runs=$((done_runs + ${runs:-0}))
  grep -E '^#[0-9]+ +DONE' "$log" | sed "s/^/session $sessions: /"
  if [ "$status" -ne 0 ]; then
    crashes=$((crashes + 1))
    echo "session $sessions: exit $status after ${runs:-0} runs: $(grep -m1 -E 'ERROR|Fatal' "$log")"
    grep -m3 -E '#[0-9]+ 0x' "$log" | sed 's/^/    /'
  fi
done
echo "fuzz-hdf5: $done_runs executions in $sessions sessions, $crashes stopped by a crash"
