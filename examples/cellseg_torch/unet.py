"""Shared by train.py and infer.py: the synthetic images, the U-Net, dice.

The images are the kind `builtin:cellseg` (testcases/cellseg.c) makes:
up to `cells` soft-edged ellipses (random centre, axes, angle and
brightness, kept apart) on a faint background gradient, with Poisson-like
(sqrt of the signal) plus Gaussian noise; the mask is the ellipses'
interiors.  Image i of a data set is a function of (data_seed, i) only,
through numpy's PCG64, so every process and every batch size sees the
same pixels.  Nothing is downloaded.
"""
import numpy as np
import torch
from torch import nn

MODEL_VERSION = 1


def place_cell(rng, s, placed):
    """A cell (cx, cy, a, b, angle, bright) at least 2 px from the placed
    ones, in 50 tries, or None."""
    for _ in range(50):
        a = max(s * (0.03 + 0.03 * rng.random()), 2.0)
        b = a * (0.5 + 0.5 * rng.random())
        angle, bright = np.pi * rng.random(), 0.5 + 0.5 * rng.random()
        margin = a + 2.0
        if 2.0 * margin >= s:
            return None
        cx, cy = margin + rng.random(2) * (s - 2.0 * margin)
        if all((cx - c[0]) ** 2 + (cy - c[1]) ** 2 >= (a + c[2] + 2.0) ** 2
               for c in placed):
            return (cx, cy, a, b, angle, bright)
    return None


def make_image(size, cells, noise, data_seed, index):
    """(image float32 [size, size], mask uint8 [size, size])."""
    rng = np.random.Generator(np.random.PCG64([data_seed, index]))
    s = float(size)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    gx, gy = rng.random(2)
    img = 0.05 + 0.1 * (gx * (xx - 0.5) + gy * (yy - 0.5)) / s
    mask = np.zeros((size, size), dtype=np.uint8)
    placed = []
    for _ in range(cells):
        cell = place_cell(rng, s, placed)
        if cell is None:
            continue
        placed.append(cell)
        cx, cy, a, b, angle, bright = cell
        co, si = np.cos(angle), np.sin(angle)
        dx, dy = xx - cx, yy - cy
        r = np.hypot((dx * co + dy * si) / a, (-dx * si + dy * co) / b)
        # soft edge, as cellseg.c: a logistic step of width ~0.1 radius
        img += bright / (1.0 + np.exp(np.minimum((r - 1.0) * 10.0, 50.0)))
        mask[r <= 1.0] = 1
    sig = np.maximum(img, 0.0)
    img += noise * (np.sqrt(sig) * rng.standard_normal(img.shape) +
                    0.5 * rng.standard_normal(img.shape))
    return img.astype(np.float32), mask


def make_set(n, size, cells, noise, data_seed, first=0):
    """n images from index `first`: (x [n,1,size,size], y [n,1,size,size])."""
    pairs = [make_image(size, cells, noise, data_seed, first + i)
             for i in range(n)]
    x = np.stack([p[0] for p in pairs])[:, None]
    y = np.stack([p[1] for p in pairs])[:, None]
    return torch.from_numpy(x), torch.from_numpy(y)


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """A three-level U-Net (width w, 2w, 4w channels), logits out."""

    def __init__(self, width=8):
        super().__init__()
        w = width
        self.enc1, self.enc2, self.mid = block(1, w), block(w, 2 * w), \
            block(2 * w, 4 * w)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.dec2 = block(4 * w, 2 * w)
        self.up1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2)
        self.dec1 = block(2 * w, w)
        self.out = nn.Conv2d(w, 1, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        m = self.mid(self.pool(e2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.out(d1)


def counts(logits, mask):
    """(tp, fp, fn) of the thresholded logits against the mask, as ints."""
    pred = logits > 0
    truth = mask.bool()
    return (int((pred & truth).sum()), int((pred & ~truth).sum()),
            int((~pred & truth).sum()))


def dice(tp, fp, fn):
    return 2.0 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
