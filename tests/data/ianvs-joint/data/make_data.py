"""Write the samples, their label files and the txt indexes, as Ianvs's
datasets are laid out: one number per sample file, class 1 around 3.0 and
class 0 around 1.0 (seeded, so the same every time)."""
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(11)
for sub in ("samples", "labels"):
    os.makedirs(os.path.join(here, sub), exist_ok=True)
for name, n in (("test", 40),):
    with open(os.path.join(here, name + "_index.txt"), "w") as index:
        for i in range(n):
            label = i % 2
            v = rng.gauss(3.0 if label else 1.0, 0.8)
            rel = "samples/%s%03d.txt" % (name, i)
            with open(os.path.join(here, rel), "w") as f:
                f.write("%.6f\n" % v)
            lab = "labels/%s%03d.txt" % (name, i)
            with open(os.path.join(here, lab), "w") as f:
                f.write("%d\n" % label)
            index.write("%s %s\n" % (rel, lab))
