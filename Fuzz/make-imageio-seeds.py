#!/usr/bin/env python3
"""Writes small seed corpora for fuzz-tiff and fuzz-hdf5 into Fuzz/corpus-tiff and Fuzz/corpus-hdf5
(gitignored). Needs numpy, tifffile, h5py, imagecodecs."""
import os
import sys

import h5py
import numpy as np
import tifffile

root = os.path.dirname(os.path.abspath(__file__))
tiff_dir = os.path.join(root, "corpus-tiff")
h5_dir = os.path.join(root, "corpus-hdf5")
os.makedirs(tiff_dir, exist_ok=True)
os.makedirs(h5_dir, exist_ok=True)
rng = np.random.default_rng(0)


def arr(shape, dtype):
    return (np.arange(int(np.prod(shape))) % 13).astype(dtype).reshape(shape)


tiffs = {
    "plain.tif": (arr((8, 8), np.uint8), {}),
    "stack.tif": (arr((3, 8, 9), np.uint16), {"rowsperstrip": 3}),
    "lzw.tif": (arr((2, 16, 16), np.uint16), {"compression": "lzw"}),
    "deflate_pred.tif": (arr((16, 16), np.int16), {"compression": "zlib", "predictor": True}),
    "zstd.tif": (arr((16, 16), np.float32), {"compression": "zstd"}),
    "packbits.tif": (arr((16, 16), np.uint8), {"compression": "packbits"}),
    "tiles.tif": (arr((32, 32), np.uint16), {"tile": (16, 16), "compression": "zlib"}),
    "planar.tif": (arr((3, 8, 8), np.uint8), {"photometric": "rgb", "planarconfig": "separate"}),
    "rgb.tif": (arr((8, 8, 3), np.uint8), {"photometric": "rgb"}),
    "big.tif": (arr((2, 8, 8), np.float64), {"bigtiff": True}),
    "be.tif": (arr((8, 8), np.uint32), {"byteorder": ">"}),
    "imagej.tif": (arr((2, 3, 8, 8), np.uint16), {"imagej": True}),
    "half.tif": (arr((8, 8), np.float16), {}),
    "jpeg.tif": (arr((16, 16, 3), np.uint8), {"photometric": "rgb", "compression": "jpeg"}),
}
for name, (a, kwargs) in tiffs.items():
    try:
        tifffile.imwrite(os.path.join(tiff_dir, name), a, **kwargs)
    except Exception as e:  # a codec missing from imagecodecs: skip that seed
        print("skipped", name, e, file=sys.stderr)

h5s = {
    "contig.h5": dict(data=arr((4, 5), np.uint16)),
    "gzip.h5": dict(data=arr((4, 8, 8), np.int32), chunks=(1, 8, 8), compression="gzip", shuffle=True),
    "float.h5": dict(data=arr((6, 6), np.float32), chunks=(3, 3), fletcher32=True),
    "bool.h5": dict(data=arr((5,), np.uint8) > 3),
    "half.h5": dict(data=arr((5, 5), np.float16)),
}
for name, kwargs in h5s.items():
    with h5py.File(os.path.join(h5_dir, name), "w", libver="earliest") as f:
        d = f.create_dataset("g/data", **kwargs)
        d.attrs["unit"] = "um"
        d.attrs["scale"] = np.array([0.5, 1.0])
        d.attrs["n"] = 3
        f.attrs["title"] = np.bytes_(b"fixed string")
# libver="latest" of a recent h5py (HDF5 2.x) writes layout messages libhdf5 1.10 cannot read;
# v110 gives version-2 object headers, a version-3 superblock and dense attribute storage.
with h5py.File(os.path.join(h5_dir, "latest.h5"), "w", libver=("v110", "v110")) as f:
    d = f.create_dataset("x", data=arr((3, 4), np.int64), chunks=(1, 4), compression="gzip")
    d.attrs["n"] = 1
    f.create_dataset("g/y", data=arr((5,), np.float32))
    for i in range(10):
        d.attrs["a%d" % i] = i
print("seeds:", len(os.listdir(tiff_dir)), "tiff,", len(os.listdir(h5_dir)), "hdf5")
