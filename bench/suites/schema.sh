# Schema validation: 100 000 small objects against a ~20-keyword draft-07 schema (goal: < 5 µs each).
# Reference: Python jsonschema's Draft7Validator.is_valid on the same data (pip install jsonschema).
python3 bench/reference/schema_bench.py generate "$BENCH_TMP" 100000
"$BENCH_BIN/imjoy-bench" schema "$BENCH_TMP" > "$BENCH_TMP/schema.ours"
python3 bench/reference/schema_bench.py run "$BENCH_TMP" > "$BENCH_TMP/schema.ref"
bench_row "validate a small object (~20 keywords)" \
  "$(bench_value "$BENCH_TMP/schema.ours" schema)" "$(bench_value "$BENCH_TMP/schema.ref" schema)" us \
  "goal < 5 us; ref: Python jsonschema Draft7Validator"
