# OME-Zarr over http (issue 16): PAGES × 2048 × 2048 uint16 (default 8 = 64 MiB;
# BENCH_ZARR_HTTP_PAGES) as Zarr v2 + Blosc, chunks (1, 1024, 1024), served by a local server with
# HTTP Range (Tests/Fixtures/python/range_server.py, the tests' server), read by imjoy-run's remote
# Zarr store and by zarr-python's fsspec HTTP store (aiohttp) in the same run, from the same server.
# Ratio = imjoy-run / zarr-python (below 1 = faster). The reference is skipped ("-") without
# fsspec + aiohttp. BENCH_ZARR_HTTP_PARALLELISM sets imjoy-run's chunk requests in flight (default 16).
pages=${BENCH_ZARR_HTTP_PAGES:-8}
dir="$BENCH_TMP/zarr-http"
mkdir -p "$dir"
echo "zarr over http: $pages x 2048 x 2048 uint16 ($((pages * 8)) MiB), $(nproc) CPUs" >&2
"$BENCH_BIN/imjoy-bench" zarr-http write "$dir" "$pages"
python3 Tests/Fixtures/python/range_server.py "$dir/www" > "$dir/port" &
server=$!
for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(head -n 1 "$dir/port")/image.ome.zarr"
"$BENCH_BIN/imjoy-bench" zarr-http read "$url" "$dir" > "$BENCH_TMP/zarr_http.ours" || { kill "$server"; exit 1; }
python3 bench/reference/zarr_http_ref.py "$url" "$dir" > "$BENCH_TMP/zarr_http.py" || { kill "$server"; exit 1; }
kill "$server"
wait "$server" 2>/dev/null || true
rm -rf "$dir"

bench_row "Zarr v2 read, local directory (for scale)" "$(bench_value "$BENCH_TMP/zarr_http.ours" zarr_local_read_blosc_v2)" - s "no network: decoding and copying only"
bench_row "Zarr v2 chunks fetched one by one, no decode" "$(bench_value "$BENCH_TMP/zarr_http.ours" zarr_http_fetch_serial)" - s "the network's share (imjoy-run's client)"
bench_row "Zarr v2 read over http vs zarr-python fsspec" "$(bench_value "$BENCH_TMP/zarr_http.ours" zarr_http_read_blosc_v2)" \
  "$(bench_value "$BENCH_TMP/zarr_http.py" zarr_http_read_blosc_v2)" s "zarr-python + fsspec HTTPFileSystem (aiohttp), same server"
