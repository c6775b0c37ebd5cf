# The Python plugin host (issue 6): warm calls, a 64 MiB array there and back, and the reference
# pipeline through a scipy plugin beside the hand-written script.
P="$BENCH_TMP/python"
mkdir -p "$P"
M="python3 bench/reference/measure.py"
python3 bench/reference/python_plugins.py "$P/plugins"
py=$(python3 -c "import sys; print(sys.executable)")

# 1 + 2. In process: warm calls with a 16×16 uint16 array; 64 MiB to Python and back vs two memcpys.
"$BENCH_BIN/imjoy-bench" python "$P/plugins/Echo.imjoy.html" "$py" > "$P/host.ours"
bench_row "warm call, 16×16 uint16 array" "$(bench_value "$P/host.ours" warm-call)" "" us \
  "goal < 1 ms (a C↔Python JSON round trip costs 18–113 us here)"
bench_row "64 MiB array to Python and back (median)" "$(bench_value "$P/host.ours" roundtrip-64mib)" "$(bench_value "$P/host.ours" memcpy2-64mib)" ms \
  "goal ≤ 1.2x; ref: two memcpys (reused buffer, then fresh memory); 41 interleaved runs, alternating order"
bench_row "  the same, minimum" "$(bench_value "$P/host.ours" roundtrip-64mib-min)" "$(bench_value "$P/host.ours" memcpy2-64mib-min)" ms \
  "min of 41"

# 3. The reference pipeline with the filter in a Python plugin (scipy) instead of built-ins.
python3 bench/reference/make_tiffs.py "$P/pipe" 32 1024
python3 - "$P/pipeline.json" "$P/pipe" "$P/plugins/Pipeline.imjoy.html" <<'PY'
import json, sys
json.dump({"name": "pipeline", "plugins": {"filter": sys.argv[3]},
           "inputs": {"images": {"glob": sys.argv[2] + "/*.tif"}},
           "ops": [{"id": "load", "builtin": "read-tiff"},
                   {"id": "mask", "plugin": "filter"},
                   {"id": "save", "builtin": "write-hdf5", "config": {"path": "pipeline.h5", "dataset": "mask", "level": 4}}]},
          open(sys.argv[1], "w"))
PY
# The machine is shared: each side runs 3 times, interleaved, and the best time counts.
: > "$P/pipe.ours"; : > "$P/pipe1.ours"; : > "$P/pipe.ref"
for round in 1 2 3; do
  $M pipe -- "$BENCH_BIN/imjoy-run" run "$P/pipeline.json" --out "$P/pipe-out" --no-progress --no-cache --python "$py" >> "$P/pipe.ours"
  $M pipe -- "$BENCH_BIN/imjoy-run" run "$P/pipeline.json" --out "$P/pipe-out1" --no-progress --no-cache --python "$py" --jobs 1 >> "$P/pipe1.ours"
  $M pipe -- "$py" bench/reference/pipeline.py "$P/pipe" "$P/pipe-ref.h5" >> "$P/pipe.ref"
done
best() { awk -F'\t' -v n="$2" '$1 == n { print $2 }' "$1" | sort -g | head -n 1; }
bench_row "reference pipeline via a scipy plugin" "$(best "$P/pipe.ours" pipe)" "$(best "$P/pipe.ref" pipe)" s \
  "goal ≤ 1.3x; ref: tifffile + scipy.ndimage + h5py script (best of 3)"
bench_row "  the same with --jobs 1 (one process)" "$(best "$P/pipe1.ours" pipe)" "$(best "$P/pipe.ref" pipe)" s \
  "best of 3"
