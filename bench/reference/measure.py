"""measure.py NAME -- COMMAND... — runs COMMAND, prints `NAME<TAB>seconds` and `NAME.rss<TAB>bytes`
(peak resident memory of the command and its children)."""
import resource
import subprocess
import sys
import time

name = sys.argv[1]
command = sys.argv[3:]
start = time.perf_counter()
result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
if result.returncode not in (0, 1):
    sys.stderr.write(result.stderr.decode()[-2000:])
    sys.exit(f"{name}: {' '.join(command)} exited {result.returncode}")
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(f"{name}\t{elapsed}")
print(f"{name}.rss\t{rss}")
