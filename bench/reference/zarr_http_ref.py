"""zarr-python reference for bench/suites/zarr_http.sh: reads level 0 of the OME-Zarr image served
over http with zarr-python's fsspec HTTP store (aiohttp), best of 2, and checks it against the local
store.

usage: zarr_http_ref.py URL DIR — prints `zarr_http_read_blosc_v2<TAB>seconds`, or
`zarr_http_read_blosc_v2<TAB>-` and a note on stderr when fsspec or aiohttp is missing.
"""
import sys
import time

url, directory = sys.argv[1], sys.argv[2]
try:
    import aiohttp  # noqa: F401
    import fsspec  # noqa: F401
except ImportError as error:
    print(f"zarr-http reference skipped: {error} (pip install fsspec aiohttp)", file=sys.stderr)
    print("zarr_http_read_blosc_v2\t-")
    sys.exit(0)

import numpy as np
import zarr

expected = zarr.open_array(f"{directory}/www/image.ome.zarr/0", mode="r")[...]
times = []
for _ in range(2):
    start = time.perf_counter()
    data = zarr.open_array(f"{url}/0", mode="r", zarr_format=2)[...]
    times.append(time.perf_counter() - start)
    assert np.array_equal(data, expected), "zarr-python's http read differs"
print(f"zarr_http_read_blosc_v2\t{min(times)}")
