"""python_plugins.py DIR — writes the plugins of the python bench suite into DIR:
Echo.imjoy.html (run returns ctx.data) and Pipeline.imjoy.html (gaussian σ=2 + threshold at the
mean with scipy, functional, as pipeline.py does it)."""
import os
import sys

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
CONFIG = """<config lang="json">
{"name": "%s", "type": "native-python", "version": "0.1.0", "api_version": "0.1.8",
 "description": "bench", "tags": [], "ui": "", "flags": ["functional"], "requirements": ["numpy", "scipy"]}
</config>
"""
ECHO = """<script lang="python">
from imjoy import api

class ImJoyPlugin:
    def run(self, ctx):
        return ctx.data

api.export(ImJoyPlugin())
</script>
"""
PIPELINE = """<script lang="python">
import numpy as np
from scipy import ndimage
from imjoy import api

class ImJoyPlugin:
    def run(self, ctx):
        image = np.asarray(ctx.data, dtype=np.float32)
        smooth = ndimage.gaussian_filter(image, 2)
        return (smooth > smooth.mean()).astype(np.uint8)

api.export(ImJoyPlugin())
</script>
"""
for name, script in (("Echo", ECHO), ("Pipeline", PIPELINE)):
    with open(os.path.join(folder, name + ".imjoy.html"), "w") as handle:
        handle.write(CONFIG % name + script)
