# Workflows and the executor (issue 5), imjoy-run beside Snakemake and a hand-written Python script.
# BENCH_SNAKEMAKE_JOBS (default 10000) sizes Snakemake's dry run: 100 000 jobs take it minutes here.
W="$BENCH_TMP/workflow"
mkdir -p "$W"
# Snakemake goes into its own virtual environment (.bench-venv), so it cannot disturb the
# packages the tests use.
venv="$BENCH_ROOT/.bench-venv"
if [ ! -x "$venv/bin/snakemake" ]; then
  (python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check snakemake) >&2 || true
fi
have_snakemake=$([ -x "$venv/bin/snakemake" ] && echo yes || echo no)
snakemake="$venv/bin/snakemake"
M="python3 bench/reference/measure.py"

# 1. Planning + dry run of a 100 000-task workflow (20 000 items × 5 ops).
python3 - "$W/plan.json" <<'PY'
import json, sys
ops = [{"id": "a", "builtin": "gaussian"}, {"id": "b", "builtin": "threshold"}, {"id": "c", "builtin": "stats", "data": "$a"},
       {"id": "d", "builtin": "max-projection", "data": "$b"}, {"id": "e", "builtin": "crop", "data": "$d"}]
json.dump({"name": "plan", "inputs": {"n": list(range(20000))}, "ops": ops}, open(sys.argv[1], "w"))
PY
$M plan -- "$BENCH_BIN/imjoy-run" run "$W/plan.json" --dry-run > "$W/plan.ours"
sm_jobs=${BENCH_SNAKEMAKE_JOBS:-10000}
if [ "$have_snakemake" = yes ]; then
  python3 bench/reference/snakemake_jobs.py "$W/sm-dry" "$sm_jobs" dry
  (cd "$W/sm-dry" && python3 "$BENCH_ROOT/bench/reference/measure.py" plan -- "$snakemake" all -n -j 1 --quiet > "$W/plan.ref")
fi
bench_row "plan + dry run, 100k tasks" "$(bench_value "$W/plan.ours" plan)" "$(bench_value "$W/plan.ref" plan 2>/dev/null)" s \
  "goal < 1 s; ref: snakemake -n, $sm_jobs jobs (196 s for 100k here)"
echo "    peak memory: imjoy-run $(( $(bench_value "$W/plan.ours" plan.rss) / 1048576 )) MiB (goal < 300 MB); snakemake ($sm_jobs jobs) $(( $(bench_value "$W/plan.ref" plan.rss 2>/dev/null || echo 0) / 1048576 )) MiB"

# 2. 200 items through one trivial built-in op, end to end (process start to exit).
python3 bench/reference/make_tiffs.py "$W/small" 200 16
python3 - "$W/small.json" "$W/small" <<'PY'
import json, sys
json.dump({"name": "small", "inputs": {"images": {"glob": sys.argv[2] + "/*.tif"}},
           "ops": [{"id": "copy", "builtin": "read-tiff"}]}, open(sys.argv[1], "w"))
PY
$M small -- "$BENCH_BIN/imjoy-run" run "$W/small.json" --out "$W/small-out" --jobs 2 --no-progress > "$W/small.ours"
if [ "$have_snakemake" = yes ]; then
  python3 bench/reference/snakemake_jobs.py "$W/sm-copy" 200 copy
  ln -sfn "$W/small" "$W/sm-copy/in"
  (cd "$W/sm-copy" && python3 "$BENCH_ROOT/bench/reference/measure.py" small -- "$snakemake" all -j 2 --quiet > "$W/small.ref")
fi
bench_row "200 items × 1 built-in op, end to end" "$(bench_value "$W/small.ours" small)" "$(bench_value "$W/small.ref" small 2>/dev/null)" s \
  "goal < 0.5 s; ref: snakemake -j 2, 200 cp jobs"

# 3. Per-task scheduling overhead: 100 000 tasks with a no-op op, in process.
"$BENCH_BIN/imjoy-bench" executor 20000 5 > "$W/overhead.ours"
ref_task=""
if [ -f "$W/small.ref" ]; then ref_task=$(python3 -c "print($(bench_value "$W/small.ref" small) / 200)"); fi
bench_row "scheduling overhead per task" "$(bench_value "$W/overhead.ours" per-task)" "$ref_task" us \
  "goal < 50 us; ref: snakemake per job in the 200-job run"

# 4. The reference pipeline: 32 × 1024² uint16 TIFFs → gaussian σ=2 → threshold at the mean → one HDF5.
python3 bench/reference/make_tiffs.py "$W/pipe" 32 1024
python3 bench/reference/make_pipeline_workflow.py "$W/pipeline.json" "$W/pipe"
$M pipe -- "$BENCH_BIN/imjoy-run" run "$W/pipeline.json" --out "$W/pipe-out" --no-progress > "$W/pipe.ours"
$M pipe -- python3 bench/reference/pipeline.py "$W/pipe" "$W/pipe-ref.h5" > "$W/pipe.ref"
bench_row "reference pipeline, 32 × 1024² (whole process)" "$(bench_value "$W/pipe.ours" pipe)" "$(bench_value "$W/pipe.ref" pipe)" s \
  "goal ≤ 1.0x; ref: tifffile + scipy.ndimage + h5py script"
