"""Reference for the JavaScript host's warm call: the bare round trip of a 512-byte message
between this process and a Node.js process that echoes it over a pipe (no framing, no JSON).

usage: node_echo.py NODE  → prints `pipe-roundtrip<TAB>seconds per round trip` (best of 5 × 2000)."""
import os
import subprocess
import sys
import time

ECHO = r"""
const fs = require('fs');
const buffer = Buffer.alloc(512);
for (;;) {
  let got = 0;
  while (got < 512) { const n = fs.readSync(0, buffer, got, 512 - got, null); if (n === 0) process.exit(0); got += n; }
  fs.writeSync(1, buffer);
}
"""

node = sys.argv[1] if len(sys.argv) > 1 else "node"
process = subprocess.Popen([node, "-e", ECHO], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
write, read = process.stdin.fileno(), process.stdout.fileno()
message = bytes(range(256)) * 2


def round_trip():
    os.write(write, message)
    got = 0
    while got < len(message):
        got += len(os.read(read, len(message) - got))


for _ in range(500):
    round_trip()
best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    for _ in range(2000):
        round_trip()
    best = min(best, (time.perf_counter() - start) / 2000)
process.stdin.close()
process.wait()
print("pipe-roundtrip\t%.9f" % best)
