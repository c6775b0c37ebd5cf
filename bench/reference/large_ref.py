"""Tile-free reference for bench/suites/large.sh (issue 16, larger than memory).

usage: large_ref.py STORE MASK SIGMA THRESHOLD — STORE is the procedural stack imjoy-bench wrote,
MASK the OME-Zarr image the run wrote (read → gaussian → threshold). For sampled sub-volumes
(corners, edges and random places) the input is computed from the same integer formula as
`ProceduralStack` (and checked against STORE read by zarr-python), smoothed whole with
scipy.ndimage.gaussian_filter (float32, mode reflect, truncate 4) with a margin of the kernel
radius (clamped at the array's borders, where reflect applies), thresholded, and compared with
MASK. A voxel may differ only where the smoothed value is within 1e-3 relative of the threshold
(scipy sums in another order). Prints `large_check_voxels<TAB>N`, `large_check_mismatches<TAB>N`.
"""
import sys

import numpy as np
import scipy.ndimage as ndi
import zarr

store, mask_path, sigma, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
source = zarr.open_group(store, mode="r")["0"]
mask = zarr.open_group(mask_path, mode="r")["0"]
shape = source.shape
assert mask.shape == shape and mask.dtype == np.uint8, (mask.shape, mask.dtype)
radius = int(4 * sigma + 0.5)


def procedural(z0, z1, y0, y1, x0, x1):
    z, y, x = np.meshgrid(np.arange(z0, z1), np.arange(y0, y1), np.arange(x0, x1), indexing="ij")
    tri = lambda a, p: np.abs(a % (2 * p) - p)
    h = ((73856093 * x) ^ (19349663 * y) ^ (83492791 * z)) & 0xFFFFFFFF
    return (4 * tri(x + 3 * z, 256) + 4 * tri(y + 5 * z, 320) + ((h >> 8) & 255)).astype(np.uint16)


rng = np.random.default_rng(16)
size = (24, 96, 96)
starts = [(0, 0, 0), tuple(s - b for s, b in zip(shape, size)), (0, shape[1] - size[1], 0)]
starts += [tuple(int(rng.integers(0, s - b + 1)) for s, b in zip(shape, size)) for _ in range(5)]
voxels = mismatches = 0
for start in starts:
    lo = [max(0, s - radius) for s in start]
    hi = [min(n, s + b + radius) for s, b, n in zip(start, size, shape)]
    block = procedural(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])
    stored = source[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    assert np.array_equal(block, stored), f"the stored stack differs from the formula at {start}"
    smooth = ndi.gaussian_filter(block.astype(np.float32), sigma, mode="reflect", truncate=4.0)
    inner = tuple(slice(s - l, s - l + b) for s, l, b in zip(start, lo, size))
    smooth = smooth[inner]
    expected = np.where(smooth > threshold, 1, 0).astype(np.uint8)
    got = mask[start[0]:start[0] + size[0], start[1]:start[1] + size[1], start[2]:start[2] + size[2]]
    differ = got != expected
    near = np.abs(smooth - threshold) <= 1e-3 * abs(threshold)
    assert not (differ & ~near).any(), f"mask differs from the reference at {start} away from the threshold"
    voxels += expected.size
    mismatches += int(differ.sum())
print(f"large_check_voxels\t{voxels}")
print(f"large_check_mismatches\t{mismatches}")
