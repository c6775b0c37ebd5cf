# The result cache (issue 8): the reference pipeline rerun with a warm cache vs its cold run.
# Same pipeline as workflow.sh figure 4 (32 × 1024² uint16 TIFFs → gaussian σ=2 → threshold at
# the mean → one HDF5). The cold run fills the cache; the warm run (a new out dir, same cache)
# loads the gaussian and threshold results from it and writes the HDF5 file again (write-hdf5
# always runs: its effect is the file; it writes the compressed chunks it stored on the cold run
# instead of compressing again). The reference column is the cold run.
C="$BENCH_TMP/cache"
mkdir -p "$C"
M="python3 bench/reference/measure.py"
python3 bench/reference/make_tiffs.py "$C/pipe" 32 1024
python3 bench/reference/make_pipeline_workflow.py "$C/pipeline.json" "$C/pipe"
# Runs alternate (cold, no-cache, warm, warm, …) so a change in the shared machine's load hits
# every figure alike; each figure is the median of its runs (a warm run is ~0.1 s: one run is noise).
: > "$C/times"
for round in 1 2 3; do
  $M cold -- "$BENCH_BIN/imjoy-run" run "$C/pipeline.json" --out "$C/cold-out-$round" --cache "$C/cache-$round" --no-progress >> "$C/times"
  $M nocache -- "$BENCH_BIN/imjoy-run" run "$C/pipeline.json" --out "$C/nocache-out-$round" --no-cache --no-progress >> "$C/times"
  for warm in 1 2 3; do
    $M warm -- "$BENCH_BIN/imjoy-run" run "$C/pipeline.json" --out "$C/warm-out-$round-$warm" --cache "$C/cache-$round" --no-progress >> "$C/times"
  done
  rm -rf "$C/nocache-out-$round" "$C"/warm-out-$round-*
  [ "$round" = 1 ] || rm -rf "$C/cache-$round" "$C/cold-out-$round"
done
bench_row "reference pipeline, warm cache vs cold run" "$(bench_median "$C/times" warm)" "$(bench_median "$C/times" cold)" s \
  "goal < 0.1x; ref: the cold run filling the cache (medians of 9 warm, 3 cold runs)"
bench_row "reference pipeline, cold run vs --no-cache" "$(bench_median "$C/times" cold)" "$(bench_median "$C/times" nocache)" s \
  "the cost of filling the cache; ref: --no-cache (medians of 3)"
echo "    cache size: $(du -sh "$C/cache-1" | cut -f1)"
