"""Write the example's data: two overlapping 2-D Gaussian classes, one
sample file and one label file each, and Ianvs txt index files
("samples/N.txt labels/N.txt" per line).  Run once; the output is
committed.  No dependencies: python3 data/make_data.py"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(11)
os.makedirs(os.path.join(HERE, "samples"), exist_ok=True)
os.makedirs(os.path.join(HERE, "labels"), exist_ok=True)
for kind, count in (("train", 60), ("test", 30)):
    lines = []
    for i in range(count):
        name = "%s%03d" % (kind, i)
        label = i % 2
        cx = 1.0 if label else -1.0
        x = (cx + rng.gauss(0, 1.1), rng.gauss(0, 1.0))
        with open(os.path.join(HERE, "samples", name + ".txt"), "w") as f:
            f.write("%.6f %.6f\n" % x)
        with open(os.path.join(HERE, "labels", name + ".txt"), "w") as f:
            f.write("%d\n" % label)
        lines.append("samples/%s.txt labels/%s.txt" % (name, name))
    with open(os.path.join(HERE, kind + "_index.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
