"""Writes a plugin file of about N bytes: a JSON config, docs, a window and a long Python script."""
import sys

path, size = sys.argv[1], int(sys.argv[2])
head = """<docs lang="markdown">
# Big
A generated plugin for the parse benchmark.
</docs>

<config lang="json">
{"name": "Big", "type": "native-python", "version": "0.1.0", "api_version": "0.1.8",
 "tags": ["CPU", "GPU"], "requirements": {"CPU": ["numpy"], "GPU": ["numpy", "conda: cupy"]},
 "ui": "Sigma {id: 'sigma', type: 'number', placeholder: 2, min: 0, max: 10}", "flags": ["functional"]}
</config>

<window lang="html"><div id="app"><p>window</p></div></window>

<script lang="python">
"""
line = "    value = compute(x, y)  # a line of plugin code that does nothing in particular\n"
body = []
total = len(head)
i = 0
while total < size - 20:
    text = f"def f{i}(x, y):\n" + line
    body.append(text)
    total += len(text)
    i += 1
with open(path, "w") as f:
    f.write(head + "".join(body) + "</script>\n")
