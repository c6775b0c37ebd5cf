"""Reference side of the built-in op tests (ImJoyEngineTests/Builtins).

A test runs `python3 -c "<prelude>; <test body>" DIR`. The body makes inputs and references with
numpy/scipy and hands them to Swift with save(name, array) / value(name, json_value); Swift
passes arrays in the other direction as DIR/<name>.bin + DIR/in.json, read with load(name).
Arrays travel as raw C-order little-endian bytes; DIR/meta.json lists shapes and dtypes.
"""
import atexit
import json
import os
import sys

import numpy as np

DIR = sys.argv[1]
_meta = {}


def save(name, a):
    a = np.ascontiguousarray(a)
    a = a.astype(a.dtype.newbyteorder("<"), copy=False)
    with open(os.path.join(DIR, name + ".bin"), "wb") as f:
        f.write(a.tobytes())
    _meta[name] = {"shape": list(a.shape), "dtype": str(a.dtype.newbyteorder("="))}


def value(name, v):
    _meta[name] = {"value": v}


def load(name):
    with open(os.path.join(DIR, "in.json")) as f:
        meta = json.load(f)[name]
    data = np.fromfile(os.path.join(DIR, name + ".bin"), dtype=np.dtype(meta["dtype"]).newbyteorder("<"))
    return data.reshape(meta["shape"]).astype(meta["dtype"])


def sample(shape, dtype, seed=0):
    """Random test data spanning a useful part of dtype's range."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype.kind == "f":
        return (rng.standard_normal(size=shape) * 50 + 20).astype(dtype)
    info = np.iinfo(dtype)
    low, high = max(info.min, -1000), min(info.max, 1000)
    return rng.integers(low, high, size=shape, endpoint=True).astype(dtype)


def otsu_reference(image, nbins=256):
    """skimage.filters.threshold_otsu, re-implemented (skimage is not installed); integer images
    use the same 256 bins over [min, max] as float images (as imjoy-run does)."""
    image = np.asarray(image)
    first = image.reshape(-1)[0]
    if np.all(image == first):
        return float(first)
    counts, edges = np.histogram(image.astype(np.float64).reshape(-1), bins=nbins)
    centers = (edges[:-1] + edges[1:]) / 2.0
    weight1 = np.cumsum(counts)
    weight2 = np.cumsum(counts[::-1])[::-1]
    mean1 = np.cumsum(counts * centers) / weight1
    mean2 = (np.cumsum((counts * centers)[::-1]) / weight2[::-1])[::-1]
    variance12 = weight1[:-1] * weight2[1:] * (mean1[:-1] - mean2[1:]) ** 2
    return float(centers[np.argmax(variance12)])


atexit.register(lambda: json.dump(_meta, open(os.path.join(DIR, "meta.json"), "w")))
