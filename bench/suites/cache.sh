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
$M cold -- "$BENCH_BIN/imjoy-run" run "$C/pipeline.json" --out "$C/cold-out" --cache "$C/cache" --no-progress > "$C/cold.t"
$M nocache -- "$BENCH_BIN/imjoy-run" run "$C/pipeline.json" --out "$C/nocache-out" --no-cache --no-progress > "$C/nocache.t"
$M warm -- "$BENCH_BIN/imjoy-run" run "$C/pipeline.json" --out "$C/warm-out" --cache "$C/cache" --no-progress > "$C/warm.t"
bench_row "reference pipeline, warm cache vs cold run" "$(bench_value "$C/warm.t" warm)" "$(bench_value "$C/cold.t" cold)" s \
  "goal < 0.1x; ref: the cold run filling the cache"
bench_row "reference pipeline, cold run vs --no-cache" "$(bench_value "$C/cold.t" cold)" "$(bench_value "$C/nocache.t" nocache)" s \
  "the cost of filling the cache; ref: --no-cache"
echo "    cache size: $(du -sh "$C/cache" | cut -f1)"
