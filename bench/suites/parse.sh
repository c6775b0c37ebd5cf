# Plugin file parsing: a 1 MB plugin file (goal: under 5 ms).
# Reference: the same block split done by Python's html.parser-free regex scan (bench/reference/parse.py).
python3 bench/reference/make_big_plugin.py "$BENCH_TMP/big.imjoy.html" 1000000
"$BENCH_BIN/imjoy-bench" parse "$BENCH_TMP/big.imjoy.html" > "$BENCH_TMP/parse.ours"
python3 bench/reference/parse.py "$BENCH_TMP/big.imjoy.html" > "$BENCH_TMP/parse.ref"
bench_row "parse 1 MB plugin file (blocks + config)" \
  "$(bench_value "$BENCH_TMP/parse.ours" parse)" "$(bench_value "$BENCH_TMP/parse.ref" parse)" ms \
  "goal < 5 ms; ref: Python regex split + json.loads"
