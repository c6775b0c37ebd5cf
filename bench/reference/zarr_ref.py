"""zarr-python reference for bench/suites/zarr.sh: the same writes and read as `imjoy-bench zarr`.

usage: zarr_ref.py DIR PAGES — reads DIR/zarr.raw (PAGES x 2048 x 2048 uint16, written by
imjoy-bench), writes it with zarr-python (v2 + numcodecs Blosc lz4/5/shuffle, v3 + zstd 3, chunks
(1, 1024, 1024)) and reads the Blosc store back; prints `name<TAB>seconds` (best of 2).
"""
import shutil
import sys
import time

import numcodecs
import numpy as np
import zarr
from zarr.codecs import ZstdCodec

directory, pages = sys.argv[1], int(sys.argv[2])
data = np.fromfile(f"{directory}/zarr.raw", dtype="<u2").reshape(pages, 2048, 2048)
chunks = (1, 1024, 1024)


def best(fn, iterations=2):
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def write(path, **kwargs):
    shutil.rmtree(path, ignore_errors=True)
    z = zarr.create_array(path, shape=data.shape, chunks=chunks, dtype="uint16", **kwargs)
    z[...] = data


blosc = f"{directory}/ref-blosc.zarr"
zstd = f"{directory}/ref-zstd.zarr"
print(f"zarr_write_blosc_v2\t{best(lambda: write(blosc, zarr_format=2, compressors=numcodecs.Blosc(cname='lz4', clevel=5, shuffle=numcodecs.Blosc.SHUFFLE)))}")
print(f"zarr_write_zstd3_v3\t{best(lambda: write(zstd, zarr_format=3, compressors=ZstdCodec(level=3)))}")
read_back = []
print(f"zarr_read_blosc_v2\t{best(lambda: read_back.append(zarr.open_array(blosc, mode='r')[...]))}")
assert all(np.array_equal(r, data) for r in read_back), "zarr-python read-back differs"
