"""Independent reader/writer for ImageIO's cross-check tests (numpy, tifffile, h5py).

  read-tiff FILE RAW              read FILE with tifffile, write the array's C-order little-endian
                                  bytes to RAW, print JSON facts (shape, dtype, compression, ImageJ)
  read-h5 FILE DATASET RAW        the same with h5py for one dataset (plus chunks, filters, attrs)
  write-tiff FILE RAW SPEC        make the array described by SPEC (JSON: shape, dtype, seed and
                                  tifffile.imwrite keyword arguments under "kwargs"), write it
                                  with tifffile and its bytes to RAW
  write-h5 FILE RAW SPEC          the same with h5py (SPEC: dataset, kwargs for create_dataset,
                                  attrs, extra groups)
"""
import json
import sys

import numpy as np


def make_array(spec):
    shape = tuple(spec["shape"])
    dtype = np.dtype(spec["dtype"])
    rng = np.random.default_rng(spec.get("seed", 0))
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if dtype.kind == "f":
        # smooth-ish data with exact values, plus a few specials
        a = (rng.standard_normal(size=shape) * 100).astype(dtype)
        flat = a.reshape(-1)
        if flat.size > 3:
            flat[0], flat[1], flat[2] = np.inf, -0.0, np.nan
        return a
    info = np.iinfo(dtype)
    native = dtype.newbyteorder("=")
    # a compressible ramp plus noise spanning the whole range; stored in the requested byte order
    a = rng.integers(info.min, info.max, size=shape, dtype=native, endpoint=True)
    ramp = (np.arange(int(np.prod(shape))) % 97).astype(native).reshape(shape)
    mask = rng.random(size=shape) < 0.7
    return np.where(mask, ramp, a).astype(dtype)


def raw_bytes(a):
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def dtype_name(a):
    return str(a.dtype.newbyteorder("="))


def jsonable(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


def main():
    cmd = sys.argv[1]
    if cmd == "read-tiff":
        import tifffile
        path, raw = sys.argv[2], sys.argv[3]
        with tifffile.TiffFile(path) as tif:
            a = tif.asarray()
            page = tif.pages[0]
            facts = {
                "shape": list(a.shape), "dtype": dtype_name(a), "pages": len(tif.pages),
                "compression": page.compression.name, "bigtiff": tif.is_bigtiff,
                "description": page.description, "imagej": tif.imagej_metadata,
                "axes": tif.series[0].axes,
                "tiled": all(p.aspage().is_tiled for p in tif.pages),
                "tile": list(page.tile or []),
            }
        open(raw, "wb").write(raw_bytes(a))
        print(json.dumps(facts, default=jsonable))
    elif cmd == "levels":
        import tifffile
        with tifffile.TiffFile(sys.argv[2]) as tif:
            print(json.dumps([list(level.shape) for level in tif.series[0].levels]))
    elif cmd == "read-h5":
        import h5py
        path, name, raw = sys.argv[2], sys.argv[3], sys.argv[4]
        with h5py.File(path, "r") as f:
            d = f[name]
            a = d[()]
            a = np.asarray(a)
            facts = {
                "shape": list(a.shape), "dtype": dtype_name(a), "chunks": d.chunks,
                "compression": d.compression, "compression_opts": d.compression_opts,
                "shuffle": d.shuffle, "attrs": {k: jsonable(v) for k, v in d.attrs.items()},
                "groups": sorted(k for k in f.keys()),
            }
        open(raw, "wb").write(raw_bytes(a))
        print(json.dumps(facts, default=jsonable))
    elif cmd == "write-tiff":
        import tifffile
        path, raw, spec = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
        a = make_array(spec)
        tifffile.imwrite(path, a, **spec.get("kwargs", {}))
        open(raw, "wb").write(raw_bytes(a))
        print(json.dumps({"shape": list(a.shape), "dtype": dtype_name(a)}))
    elif cmd == "write-h5":
        import h5py
        path, raw, spec = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
        a = make_array(spec)
        with h5py.File(path, "w") as f:
            kwargs = dict(spec.get("kwargs", {}))
            if isinstance(kwargs.get("chunks"), list):
                kwargs["chunks"] = tuple(kwargs["chunks"])
            d = f.create_dataset(spec.get("dataset", "data"), data=a, **kwargs)
            for k, v in spec.get("attrs", {}).items():
                d.attrs[k] = np.array(v) if isinstance(v, list) else v
            for g in spec.get("groups", []):
                f.require_group(g)
        open(raw, "wb").write(raw_bytes(a))
        print(json.dumps({"shape": list(a.shape), "dtype": dtype_name(a)}))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
