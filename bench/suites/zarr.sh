# OME-Zarr (issue 16): PAGES × 2048 × 2048 uint16 (default 32 = 256 MiB; BENCH_ZARR_PAGES=8 for a
# quick run) written as Zarr v2 + Blosc (lz4, 5, byte shuffle) and Zarr v3 + zstd 3 with chunks
# (1, 1024, 1024), and the Blosc store read back, beside zarr-python + numcodecs doing the same in
# the same run (bench/reference/zarr_ref.py). Ratio = imjoy-run / zarr-python (below 1 = faster).
# Goal (issue 16): writes at least 1.5x faster than zarr-python on 2 cores (ratio <= 0.667).
# Files go to tmpfs (/dev/shm) when writable, as in imageio.sh, to measure the codecs, not the disk.
pages=${BENCH_ZARR_PAGES:-32}
if [ -w /dev/shm ]; then dir="/dev/shm/imjoy-bench-zarr.$$"; else dir="$BENCH_TMP/zarr"; fi
mkdir -p "$dir"
echo "zarr: $pages x 2048 x 2048 uint16 ($((pages * 8)) MiB) in $dir, $(nproc) CPUs" >&2
"$BENCH_BIN/imjoy-bench" zarr "$dir" "$pages" > "$BENCH_TMP/zarr.ours"
rm -rf "$dir"/ours-*
python3 bench/reference/zarr_ref.py "$dir" "$pages" > "$BENCH_TMP/zarr.py"
rm -rf "$dir"

o() { bench_value "$BENCH_TMP/zarr.ours" "$1"; }
p() { bench_value "$BENCH_TMP/zarr.py" "$1"; }
bench_row "Zarr v2 write blosc-lz4 vs zarr-python" "$(o zarr_write_blosc_v2)" "$(p zarr_write_blosc_v2)" s "goal <= 0.667x; zarr-python + numcodecs Blosc"
bench_row "Zarr v3 write zstd-3 vs zarr-python" "$(o zarr_write_zstd3_v3)" "$(p zarr_write_zstd3_v3)" s "goal <= 0.667x; zarr-python ZstdCodec"
bench_row "Zarr v2 read blosc-lz4 vs zarr-python" "$(o zarr_read_blosc_v2)" "$(p zarr_read_blosc_v2)" s "zarr-python"
