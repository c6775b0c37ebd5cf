"""Writes a Zarr array with zarr-python 3 in one of the encodings imjoy-run reads but does not
write (sharding, gzip, zlib, crc32c), for the cross-check tests:

    python3 zarr_codecs.py KIND STORE RAW

KIND is one of KINDS below. The array is also saved to RAW as raw little-endian C-order bytes
(after checking that zarr-python reads the store back equal to it). Prints one JSON line:
{"shape", "dtype", "shards", "inner", "missing_shards": keys of shard objects not stored,
"empty_inner": inner chunks the shard indices mark as not stored}.

Sharded kinds: shape (3, 70, 45), shards (2, 32, 32) (edge shards partial on every axis), inner
chunks (1, 16, 16); the values of shard (0, 1, 0) and of inner chunk (0, 0, 1) of shard (0, 0, 0)
are the fill value, so zarr-python stores neither (one shard object missing entirely, one index
entry empty).
"""

import json
import os
import struct
import sys
import warnings

import numpy as np
import zarr
from zarr.codecs import BloscCodec, BytesCodec, Crc32cCodec, GzipCodec, ShardingCodec, ZstdCodec

SHAPE = (3, 70, 45)
SHARDS = (2, 32, 32)
INNER = (1, 16, 16)

# kind: (dtype, fill value, keyword arguments of zarr.create_array)
KINDS = {
    # index at the end with its crc32c (zarr-python's default), blosc inner chunks
    "shard-end-crc-blosc-u16": ("uint16", 7, dict(compressors=BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"))),
    # index at the start without a crc32c, zstd inner chunks
    "shard-start-zstd-u8": ("uint8", 0, dict(compressors=ZstdCodec(level=3), index_location="start", index_codecs=[BytesCodec()])),
    # index at the end without a crc32c; inner chunks gzip + crc32c; NaN fill
    "shard-end-gzip-crc-f32": (
        "float32",
        float("nan"),
        dict(compressors=[GzipCodec(level=5), Crc32cCodec()], index_codecs=[BytesCodec(endian="little")]),
    ),
    # index at the start with its crc32c; big-endian inner chunks, blosc
    "shard-start-crc-blosc-u16be": (
        "uint16",
        0,
        dict(
            serializer=BytesCodec(endian="big"),
            compressors=BloscCodec(cname="zstd", clevel=3, shuffle="bitshuffle"),
            index_location="start",
        ),
    ),
    # not sharded
    "v3-gzip-u16": ("uint16", 0, dict(compressors=GzipCodec(level=6))),
    "v3-zstd-crc-f32": ("float32", 0, dict(compressors=[ZstdCodec(level=1), Crc32cCodec()])),
    "v3-numcodecs-zlib-u8": ("uint8", 0, None),
    "v2-gzip-u16": ("uint16", 0, None),
    "v2-zlib-f32": ("float32", 0, None),
}


def values(dtype, fill):
    count = int(np.prod(SHAPE))
    if dtype == "float32":
        a = (np.arange(count, dtype=np.float64) * 0.37 - 1000.0).astype(np.float32).reshape(SHAPE)
    else:
        a = (np.arange(count, dtype=np.int64) * 7 % 65521 % np.iinfo(dtype).max).astype(dtype).reshape(SHAPE)
        a[a == fill] = fill + 1  # the fill value appears only where it is meant to
    a[0:2, 32:64, 0:32] = fill  # all of shard (0, 1, 0)
    a[0, 0:16, 16:32] = fill  # inner chunk (0, 0, 1) of shard (0, 0, 0)
    return a


def create(kind, store, dtype, fill, options):
    if kind.startswith("shard-"):
        sharding = dict(options)
        location = sharding.pop("index_location", "end")
        index_codecs = sharding.pop("index_codecs", None)
        if location == "end" and index_codecs is None:
            return zarr.create_array(store, shape=SHAPE, chunks=INNER, shards=SHARDS, dtype=dtype, fill_value=fill, **sharding)
        # create_array has no index options: write the codec out in full.
        inner = [sharding.get("serializer", BytesCodec())] + list(np.atleast_1d(sharding["compressors"]))
        codec = ShardingCodec(
            chunk_shape=INNER,
            codecs=inner,
            index_codecs=index_codecs or [BytesCodec(), Crc32cCodec()],
            index_location=location,
        )
        return zarr.create_array(
            store, shape=SHAPE, chunks=SHARDS, dtype=dtype, fill_value=fill, serializer=codec, compressors=None
        )
    if kind == "v3-numcodecs-zlib-u8":
        import numcodecs.zarr3

        return zarr.create_array(store, shape=SHAPE, chunks=(2, 32, 32), dtype=dtype, compressors=[numcodecs.zarr3.Zlib(level=4)])
    if kind.startswith("v2-"):
        import numcodecs

        compressor = numcodecs.GZip(level=6) if "gzip" in kind else numcodecs.Zlib(level=3)
        return zarr.create_array(
            store, shape=SHAPE, chunks=(2, 32, 32), dtype=dtype, zarr_format=2, compressors=compressor, fill_value=fill
        )
    return zarr.create_array(store, shape=SHAPE, chunks=(2, 32, 32), dtype=dtype, fill_value=fill, **options)


def index_facts(store, z):
    """The shard objects not stored and the index entries marking inner chunks not stored."""
    codec = next((c for c in getattr(z.metadata, "codecs", ()) if isinstance(c, ShardingCodec)), None)
    if codec is None:
        return [], 0
    per_shard = int(np.prod([s // c for s, c in zip(SHARDS, INNER)]))
    index_bytes = 16 * per_shard + (4 if any(isinstance(c, Crc32cCodec) for c in codec.index_codecs) else 0)
    missing, empty = [], 0
    grid = [(n + s - 1) // s for n, s in zip(SHAPE, SHARDS)]
    for position in np.ndindex(*grid):
        key = "c/" + "/".join(map(str, position))
        path = os.path.join(store, key)
        if not os.path.exists(path):
            missing.append(key)
            continue
        with open(path, "rb") as f:
            data = f.read()
        index = data[:index_bytes] if codec.index_location.value == "start" else data[-index_bytes:]
        entries = struct.unpack("<%dQ" % (2 * per_shard), index[: 16 * per_shard])
        empty += sum(1 for i in range(per_shard) if entries[2 * i] == 2**64 - 1)
    return missing, empty


def main():
    warnings.simplefilter("ignore")  # numcodecs.zlib "not in the Zarr v3 specification"
    kind, store, raw = sys.argv[1:4]
    dtype, fill, options = KINDS[kind]
    a = values(dtype, fill)
    z = create(kind, store, dtype, fill, options or {})
    z[...] = a
    back = zarr.open_array(store, mode="r")[...]
    assert np.array_equal(back, a, equal_nan=True), "zarr-python reads back other values"
    a.astype(a.dtype.newbyteorder("<")).tofile(raw)
    missing, empty = index_facts(store, z)
    sharded = kind.startswith("shard-")
    print(json.dumps({"shape": list(SHAPE), "dtype": dtype, "shards": list(SHARDS) if sharded else None,
                      "inner": list(INNER) if sharded else None, "missing_shards": missing, "empty_inner": empty}))


if __name__ == "__main__":
    sys.exit(main())
