# Larger than memory (issue 16): a BENCH_LARGE_GIB GiB (default 32) procedural 3D uint16 stack
# ([GIB * 32, 4096, 4096]), written as OME-Zarr (Blosc lz4, chunks (16, 512, 512)) by
# `imjoy-bench large-stack` block by block, then `imjoy-run run` of read-zarr → gaussian (sigma 2)
# → threshold (value 1300) → write-zarr with --memory-limit BENCH_LARGE_LIMIT (default 1G; 256M below 4 GiB), timed
# with /usr/bin/time -v for the runner's peak RSS (goal: under 2 GiB). The mask is checked against
# a tile-free scipy reference on sampled sub-volumes (bench/reference/large_ref.py). The files go to
# BENCH_LARGE_DIR (default: under BENCH_TMP, on disk: ~1.4 GiB of input per GiB of stack) and are
# removed afterwards. BENCH_LARGE_GIB=1 runs in about a minute.
gib=${BENCH_LARGE_GIB:-32}
# The limit must be below the stack's size, or the run takes the in-memory path.
if [ "$gib" -ge 4 ]; then limit=${BENCH_LARGE_LIMIT:-1G}; else limit=${BENCH_LARGE_LIMIT:-256M}; fi
dir=${BENCH_LARGE_DIR:-$BENCH_TMP/large}
mkdir -p "$dir"
echo "large: $gib GiB uint16 stack in $dir, --memory-limit $limit, $(nproc) CPUs, $(df -h "$dir" | awk 'NR == 2 { print $4 }') free" >&2
"$BENCH_BIN/imjoy-bench" large-stack "$dir/stack.zarr" "$gib" > "$BENCH_TMP/large.ours"
cat > "$dir/w.json" <<JSON
{"name": "large", "version": "1.0", "inputs": {"images": {"glob": "stack.zarr"}},
 "ops": [{"id": "load", "builtin": "read-zarr", "data": "\$inputs.images"},
         {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 2}},
         {"id": "mask", "builtin": "threshold", "config": {"method": "value", "value": 1300}},
         {"id": "save", "builtin": "write-zarr", "config": {"path": "{item}_mask.ome.zarr", "chunks": "16, 512, 512"}, "data": "\$mask"}]}
JSON
/usr/bin/time -v "$BENCH_BIN/imjoy-run" run "$dir/w.json" --out "$dir/out" --no-cache --memory-limit "$limit" \
  > "$BENCH_TMP/large.run" 2> "$BENCH_TMP/large.time" || { cat "$BENCH_TMP/large.time" >&2; rm -rf "$dir"; exit 1; }
peak_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$BENCH_TMP/large.time")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$BENCH_TMP/large.time" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
python3 bench/reference/large_ref.py "$dir/stack.zarr" "$dir/out/stack_mask.ome.zarr" 2 1300 > "$BENCH_TMP/large.check" \
  || { rm -rf "$dir"; exit 1; }
rm -rf "$dir"

bench_row "Large stack: generate $gib GiB (imjoy-bench)" "$(bench_value "$BENCH_TMP/large.ours" large_generate)" "-" s "procedural, block by block"
bench_row "Large stack: read→gaussian→threshold→zarr" "$wall" "-" s "imjoy-run run, --memory-limit $limit"
python3 - "$peak_kib" "$(bench_value "$BENCH_TMP/large.check" large_check_voxels)" "$(bench_value "$BENCH_TMP/large.check" large_check_mismatches)" <<'PY'
import sys
peak, voxels, mismatches = int(sys.argv[1]), sys.argv[2], sys.argv[3]
verdict = "met" if peak < 2 * 1024 * 1024 else "NOT met"
print(f"{'Large stack: runner peak RSS':<44} {peak / 1024:>11.0f} MiB {'-':>14} {'-':>9}  goal < 2048 MiB: {verdict}")
print(f"{'Large stack: checked voxels (mismatches)':<44} {voxels:>14} {mismatches:>14} {'-':>9}  scipy reference; mismatches only at the threshold")
PY
