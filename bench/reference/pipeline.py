"""pipeline.py DIR OUT.h5 — the reference pipeline as one hand-written script:
every TIFF in DIR → gaussian σ=2 (float32) → threshold at the mean → uint8 mask, all masks in one
HDF5 file (gzip 4 + shuffle, one dataset per image), as a user would write it with tifffile,
scipy.ndimage and h5py."""
import glob
import os
import sys

import h5py
import numpy as np
import tifffile
from scipy import ndimage

folder, out = sys.argv[1], sys.argv[2]
with h5py.File(out, "w") as f:
    for path in sorted(glob.glob(os.path.join(folder, "*.tif"))):
        image = tifffile.imread(path).astype(np.float32)
        smooth = ndimage.gaussian_filter(image, 2)
        mask = (smooth > smooth.mean()).astype(np.uint8)
        name = os.path.splitext(os.path.basename(path))[0]
        f.create_dataset(f"{name}/mask", data=mask, chunks=True, compression="gzip", compression_opts=4, shuffle=True)
