"""snakemake_jobs.py DIR N MODE — writes a Snakefile with N independent jobs into DIR.
MODE dry: jobs that would touch files (for `snakemake -n`); MODE copy: jobs copying DIR/in/{i}.tif."""
import os
import sys

folder, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(folder, exist_ok=True)
with open(os.path.join(folder, "Snakefile"), "w") as f:
    if mode == "dry":
        f.write(f"rule all:\n    input: expand('out/{{i}}.txt', i=range({n}))\n\n")
        f.write("rule job:\n    output: 'out/{i}.txt'\n    shell: 'touch {output}'\n")
    else:
        f.write(f"rule all:\n    input: expand('out/{{i}}.tif', i=[f'img_{{k:04d}}' for k in range({n})])\n\n")
        f.write("rule job:\n    input: 'in/{i}.tif'\n    output: 'out/{i}.tif'\n    shell: 'cp {input} {output}'\n")
