"""Reference for the parse benchmark: a regex split of the top-level blocks plus json.loads of the
config, the least a Python tool must do to read a plugin file (Python has no ImJoy parser)."""
import json
import re
import sys
import time

text = open(sys.argv[1]).read()
block = re.compile(r"<(config|script|window|docs|style|attachment|link)([^>]*)>(.*?)</\1\s*>", re.S)

def parse():
    blocks = {}
    for m in block.finditer(text):
        blocks.setdefault(m.group(1), []).append(m.group(3))
    return json.loads(blocks["config"][0]), blocks

best = float("inf")
for _ in range(30):
    t = time.perf_counter()
    parse()
    best = min(best, time.perf_counter() - t)
print(f"parse\t{best}")
