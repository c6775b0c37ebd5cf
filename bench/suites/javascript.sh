# The JavaScript (web-worker) plugin host on Node.js (issue 9): warm calls and a 64 MiB array
# there and back, in process.
J="$BENCH_TMP/javascript"
mkdir -p "$J"
node_bin=$(command -v node || command -v nodejs)
cat > "$J/Echo.imjoy.html" <<'HTML'
<config lang="json">
{"name": "JsBenchEcho", "type": "web-worker", "version": "0.1.0", "api_version": "0.1.8",
 "ui": "", "flags": ["functional"], "requirements": []}
</config>
<script lang="javascript">
api.export({ run(ctx) { return ctx.data; } });
</script>
HTML

"$BENCH_BIN/imjoy-bench" javascript "$J/Echo.imjoy.html" "$node_bin" > "$J/host.ours"
python3 bench/reference/node_echo.py "$node_bin" > "$J/pipe.ref"
bench_row "warm call, 16×16 uint16 array" "$(bench_value "$J/host.ours" warm-call)" "$(bench_value "$J/pipe.ref" pipe-roundtrip)" us \
  "goal < 1 ms; ref: bare 512-byte pipe round trip Python↔Node"
bench_row "64 MiB array to Node.js and back" "$(bench_value "$J/host.ours" roundtrip-64mib)" "$(bench_value "$J/host.ours" memcpy2-64mib)" ms \
  "ref: two memcpys (Node copies through /dev/shm files: 4 copies)"
