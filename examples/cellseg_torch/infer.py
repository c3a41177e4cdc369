"""One cellseg-torch unit: U-Net inference at one batch size.

    /usr/bin/python3 examples/cellseg_torch/infer.py --batch-size 4 \
        [--images 64] [--image-size 128] [--data-seed 2] [--noise 0.1] \
        [--weights workspace/cellseg-torch/unet.pt]

Loads the weights train.py made (training them first, once, when they are
missing), generates the held-out test images from --data-seed, runs one
untimed warm-up batch, then segments every image in batches and reports to
bench with bench_record: `dice` over all images (from summed counts, so it
does not depend on the batch size's grouping), `images_per_s` and
`batch_ms` (median batch latency), both timing.  Outside bench it prints
the same figures.
"""
import argparse
import os
import statistics
import sys
import time

import torch

import bench_record
import train
import unet


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--images", type=int, default=64)
    p.add_argument("--image-size", type=int, default=128)
    p.add_argument("--cells", type=int, default=12)
    p.add_argument("--noise", type=float, default=0.1)
    p.add_argument("--data-seed", type=int, default=2,
                   help="test images (train.py trains on seed 1)")
    p.add_argument("--weights", default=train.DEFAULT_OUT)
    args = p.parse_args(argv)
    if args.batch_size < 1 or args.images < 1 or args.image_size < 8 or \
            args.image_size % 4:
        p.error("need --batch-size >= 1, --images >= 1 and --image-size "
                "a multiple of 4, at least 8")
    if args.data_seed == train.CONFIG["data_seed"]:
        p.error("--data-seed %d is the training set" % args.data_seed)
    return args


def segment(model, x, y, batch):
    """(tp, fp, fn) summed over the images, and the batch latencies (s)."""
    total = [0, 0, 0]
    lat = []
    with torch.no_grad():
        model(x[:batch])                        # warm-up, not timed
        for i in range(0, len(x), batch):
            t0 = time.perf_counter()
            logits = model(x[i:i + batch])
            lat.append(time.perf_counter() - t0)
            for k, n in enumerate(unet.counts(logits, y[i:i + batch])):
                total[k] += n
    return total, lat


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # One process per unit, several units at once: each must use only its
    # share of the cores.  bench sets OMP_NUM_THREADS = cores / workers in
    # a parallel run; torch would otherwise start a thread per core in
    # every worker, and N workers x all cores threads fight over the same
    # cores (oversubscription: throughput drops, latency jitters).
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    model = train.load_or_train(args.weights, log=bench_record.log)
    x, y = unet.make_set(args.images, args.image_size, args.cells,
                         args.noise, args.data_seed)
    (tp, fp, fn), lat = segment(model, x, y, args.batch_size)
    ips = args.images / sum(lat)
    d = unet.dice(tp, fp, fn)
    bench_record.metric("dice", d)
    bench_record.metric("images_per_s", ips, timing=True)
    bench_record.metric("batch_ms", 1000 * statistics.median(lat),
                        timing=True)
    print("batch %d, %d threads: dice %.4f, %.1f images/s, batch %.1f ms"
          % (args.batch_size, torch.get_num_threads(), d, ips,
             1000 * statistics.median(lat)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
