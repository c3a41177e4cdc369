"""Train the cellseg U-Net once and cache its weights.

    /usr/bin/python3 examples/cellseg_torch/train.py [--out FILE]

Deterministic (seeded data, seeded initialisation, one thread): the same
weights on every run of the same torch.  About 20-40 s on two CPU cores.
Training images come from data seed 1; infer.py evaluates on other seeds,
so its dice is on held-out images.  infer.py calls train() itself when
the weights file is missing or was made with other settings.
"""
import argparse
import fcntl
import os
import sys
import time

import torch
import torch.nn.functional as F

import unet

# what the weights depend on; stored in the file and checked by infer.py
CONFIG = {"version": unet.MODEL_VERSION, "width": 8, "data_seed": 1,
          "images": 64, "size": 128, "cells": 12, "noise": 0.1,
          "epochs": 6, "batch": 16, "lr": 0.01, "torch_seed": 0}
DEFAULT_OUT = os.path.join("workspace", "cellseg-torch", "unet.pt")


def tiles(x, y, t):
    """Cut [n,1,s,s] into t x t tiles: more, smaller training images."""
    n, c, s, _ = x.shape
    k = s // t

    def cut(a):
        return a.reshape(n, c, t, k, t, k).permute(0, 2, 4, 1, 3, 5) \
            .reshape(n * t * t, c, k, k)
    return cut(x), cut(y)


def train(cfg=CONFIG, log=print):
    torch.manual_seed(cfg["torch_seed"])
    x, y = unet.make_set(cfg["images"], cfg["size"], cfg["cells"],
                         cfg["noise"], cfg["data_seed"])
    x, y = tiles(x, y.float(), 2)
    model = unet.UNet(cfg["width"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    gen = torch.Generator().manual_seed(cfg["torch_seed"])
    for epoch in range(cfg["epochs"]):
        order, total = torch.randperm(len(x), generator=gen), 0.0
        for i in range(0, len(x), cfg["batch"]):
            idx = order[i:i + cfg["batch"]]
            logits = model(x[idx])
            p = torch.sigmoid(logits)
            soft_dice = 1 - (2 * (p * y[idx]).sum() + 1) / \
                (p.sum() + y[idx].sum() + 1)
            loss = F.binary_cross_entropy_with_logits(logits, y[idx]) + \
                soft_dice
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        log("epoch %d loss %.4f" % (epoch + 1, total / len(x)))
    return model


def load_or_train(path, log=print):
    """The model in path, trained first (under a lock, so that concurrent
    units train it once) when missing or made with other settings."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        saved = torch.load(path) if os.path.exists(path) else None
        if saved is None or saved.get("config") != CONFIG:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)    # the same weights everywhere
            t0 = time.monotonic()
            model = train(CONFIG, log)
            torch.set_num_threads(threads)
            saved = {"config": CONFIG, "state": model.state_dict()}
            torch.save(saved, path + ".tmp")
            os.replace(path + ".tmp", path)
            log("trained in %.1f s, saved %s" % (time.monotonic() - t0,
                                                 path))
    model = unet.UNet(saved["config"]["width"])
    model.load_state_dict(saved["state"])
    return model.eval()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=DEFAULT_OUT, help="weights file (%s)"
                   % DEFAULT_OUT)
    args = p.parse_args()
    load_or_train(args.out, log=lambda m: print(m, file=sys.stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
