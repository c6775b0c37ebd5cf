"""Reference figures for bench/suites/imageio.sh: tifffile and h5py on DIR/data.raw.

usage: imageio_ref.py DIR PAGES — prints `name<TAB>seconds` lines (best of the runs).
BENCH_IMAGEIO_ONLY (comma-separated names) runs only those figures. Reads are checked outside the
timing, as in the C reference and imjoy-bench.
"""
import os
import sys
import time

import h5py
import numpy as np
import tifffile

directory, pages = sys.argv[1], int(sys.argv[2])
data = np.fromfile(os.path.join(directory, "data.raw"), dtype="<u2").reshape(pages, 2048, 2048)


only = os.environ.get("BENCH_IMAGEIO_ONLY")


def best(name, runs, body):
    if only is not None and name not in only.split(","):
        return
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = body()
        times.append(time.perf_counter() - start)
        if result is not None:
            assert result.shape == data.shape and np.array_equal(result, data), f"{name}: read-back differs"
    print(f"{name}\t{min(times)}", flush=True)


t_none = os.path.join(directory, "ref-none.tif")
t_zlib = os.path.join(directory, "ref-deflate.tif")
best("tiff_write_none", 2, lambda: tifffile.imwrite(t_none, data))
# tifffile's default (maxworkers=None: it may compress strips on several threads) and one thread.
best("tiff_write_deflate6", 1, lambda: tifffile.imwrite(t_zlib, data, compression="zlib", compressionargs={"level": 6}))
best("tiff_write_deflate6_1t", 1, lambda: tifffile.imwrite(t_zlib, data, compression="zlib", compressionargs={"level": 6}, maxworkers=1))
best("tiff_read_none", 2, lambda: tifffile.imread(t_none))
best("tiff_read_deflate6", 1, lambda: tifffile.imread(t_zlib))
t_tiled = os.path.join(directory, "ref-tiled.tif")
best("tiff_write_tiled_deflate6", 1,
     lambda: tifffile.imwrite(t_tiled, data, tile=(256, 256), compression="zlib", compressionargs={"level": 6}))
best("tiff_read_tiled_deflate6", 1, lambda: tifffile.imread(t_tiled))

h_contig = os.path.join(directory, "ref-contig.h5")
h_gzip = os.path.join(directory, "ref-gzip.h5")


def write_h5(path, **kwargs):
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=data, **kwargs)


def read_h5(path):
    with h5py.File(path, "r") as f:
        return f["data"][()]


best("h5_write_contig", 2, lambda: write_h5(h_contig))
best("h5_write_gzip4", 1, lambda: write_h5(h_gzip, chunks=(1, 2048, 2048), compression="gzip", compression_opts=4, shuffle=True))
best("h5_read_contig", 2, lambda: read_h5(h_contig))
best("h5_read_gzip4", 1, lambda: read_h5(h_gzip))
