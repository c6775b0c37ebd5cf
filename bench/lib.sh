# Helpers for bench/suites/*.sh (sourced by scripts/bench).

bench_header() {
  printf '\n== %s ==\n' "$1"
  printf '%-44s %14s %14s %9s  %s\n' "figure" "imjoy-run" "reference" "ratio" "goal / reference tool"
}

# bench_row NAME OURS REF UNIT GOAL — prints one row; ratio = OURS / REF (below 1 = imjoy-run faster).
bench_row() {
  local name=$1 ours=$2 ref=$3 unit=$4 goal=${5:-}
  python3 - "$name" "$ours" "$ref" "$unit" "$goal" <<'PY'
import sys
name, ours, ref, unit, goal = sys.argv[1:6]
scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
def fmt(v):
    if v in ("", "-"): return "-"
    return f"{float(v) * scale:.3f} {unit}"
ratio = "-"
if ours not in ("", "-") and ref not in ("", "-") and float(ref) > 0:
    ratio = f"{float(ours) / float(ref):.3f}x"
print(f"{name:<44} {fmt(ours):>14} {fmt(ref):>14} {ratio:>9}  {goal}")
PY
}

# bench_value FILE NAME — reads the seconds recorded for NAME in a `name<TAB>seconds` file.
bench_value() {
  awk -F'\t' -v n="$2" '$1 == n { print $2 }' "$1" | tail -n 1
}

# bench_median FILE NAME — the median of every value recorded for NAME in FILE (repeated runs).
bench_median() {
  awk -F'\t' -v n="$2" '$1 == n { print $2 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
