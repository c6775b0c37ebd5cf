"""make_pipeline_workflow.py OUT.json IMAGE_DIR — the reference pipeline as an imjoy-run workflow
of built-in ops (every TIFF in IMAGE_DIR → gaussian σ=2 → threshold at the mean → one HDF5),
the same steps as bench/reference/pipeline.py. Used by the workflow and cache suites."""
import json
import sys

out, images = sys.argv[1], sys.argv[2]
json.dump({"name": "pipeline", "inputs": {"images": {"glob": images + "/*.tif"}},
           "ops": [{"id": "load", "builtin": "read-tiff"},
                   {"id": "smooth", "builtin": "gaussian", "config": {"sigma": 2}},
                   {"id": "mask", "builtin": "threshold", "config": {"method": "mean"}},
                   {"id": "save", "builtin": "write-hdf5", "config": {"path": "pipeline.h5", "dataset": "mask", "level": 4}}]},
          open(out, "w"))
