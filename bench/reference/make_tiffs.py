"""make_tiffs.py DIR COUNT SIZE — deterministic uint16 test images (noise + blobs) for benchmarks."""
import os
import sys

import numpy as np
import tifffile

folder, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
rng = np.random.default_rng(7)
base = rng.normal(500, 50, (size, size)).astype(np.float32)
yy, xx = np.mgrid[0:size, 0:size]
for i in range(count):
    image = base.copy()
    for cy, cx in rng.uniform(0, size, (20, 2)):
        image += 3000 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * (size / 40) ** 2))
    tifffile.imwrite(os.path.join(folder, f"img_{i:04d}.tif"), np.clip(image, 0, 65535).astype(np.uint16))
